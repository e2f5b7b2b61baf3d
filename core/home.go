package core

import (
	"context"

	"oauthd/models"
)

// The landing page's forms (HomeForm.Action).
const (
	HomeSignOut = "signout"
	HomeRevoke  = "revoke" // with the client whose access ends
)

// Home is what the landing page shows a browser: nobody (a nil User), or who is signed in, with
// the apps they let in and the CSRF tokens of the page's forms.
type Home struct {
	User         *models.User
	SignOutToken string
	Apps         []ConnectedApp
}

// ConnectedApp is an app that holds the user's consent, or live tokens of theirs, with the
// token of the form that revokes it.
type ConnectedApp struct {
	ClientID       string
	Name           string
	SelfRegistered bool
	Scopes         []string // what the user approved; empty when only tokens remain
	RevokeToken    string
}

// HomeForm is a landing-page form as posted.
type HomeForm struct {
	SessionID string
	Action    string // HomeSignOut or HomeRevoke
	ClientID  string // HomeRevoke's client
	CSRFToken string
}

// Home reads the landing page of the browser's session.
func (e *Engine) Home(ctx context.Context, sessionID string) (Home, error) {
	s, err := e.CurrentSession(ctx, sessionID)
	if err != nil || s.User == nil {
		return Home{}, err
	}
	rows, err := e.store.ConnectedApps(ctx, s.User.ID, e.now().Unix())
	if err != nil {
		return Home{}, unavailable(err)
	}
	h := Home{User: s.User, SignOutToken: homeToken(HomeForm{SessionID: sessionID, Action: HomeSignOut}),
		Apps: make([]ConnectedApp, len(rows))}
	for i, r := range rows {
		h.Apps[i] = ConnectedApp{ClientID: r.ClientID, Name: r.Name, SelfRegistered: r.SelfRegistered,
			Scopes:      ParseScope(r.Scope),
			RevokeToken: homeToken(HomeForm{SessionID: sessionID, Action: HomeRevoke, ClientID: r.ClientID})}
	}
	return h, nil
}

// SubmitHome runs a landing-page form: HomeSignOut ends the session; HomeRevoke takes the app's
// access to the session's user away (see RevokeApp). The form's CSRF token must be the one Home
// made for this session and this form; a post without a live session does nothing.
func (e *Engine) SubmitHome(ctx context.Context, f HomeForm) error {
	s, err := e.CurrentSession(ctx, f.SessionID)
	if err != nil || s.User == nil {
		return err
	}
	if !CheckFormToken(f.SessionID, homeFields(f), f.CSRFToken) {
		return errCSRF
	}
	switch f.Action {
	case HomeSignOut:
		return e.Logout(ctx, f.SessionID)
	case HomeRevoke:
		return e.RevokeApp(ctx, s.User.ID, f.ClientID)
	}
	return errCSRF // no token is made for another action
}

// RevokeApp takes an app's access to a user away: it forgets the user's consent for it (the next
// authorization asks again), revokes every token of theirs it holds, on every instance's bearer
// cache too, and deletes its codes not yet exchanged.
func (e *Engine) RevokeApp(ctx context.Context, userID uint, clientID string) error {
	if err := e.store.RevokeUserClient(ctx, userID, clientID, e.now().Unix()); err != nil {
		return unavailable(err)
	}
	e.revoked(ctx, Revocation{UserID: userID, ClientID: clientID})
	return nil
}

// homeToken is the CSRF token of a landing-page form for its session.
func homeToken(f HomeForm) string { return FormToken(f.SessionID, homeFields(f)...) }

// homeFields is what a landing-page form's token covers: its purpose, action and client.
func homeFields(f HomeForm) []string { return []string{"oauthd home csrf v1", f.Action, f.ClientID} }
