package core

import (
	"context"
	"errors"
	"time"

	"oauthd/models"
)

// GivenToken is a token whose values a test fixture chose, so that a suite can hard-code them
// (`[[tokens]]` of `serve --ephemeral --fixtures`). It is otherwise an ordinary token: the
// same rows, expiry, refresh and revocation as one the token endpoint issued.
type GivenToken struct {
	ClientID     string
	UserEmail    string // "": the client's own token, acting as its owner like client_credentials
	AccessToken  string
	RefreshToken string        // "": none; only with a user (RFC 6749 §4.4.3)
	Scope        string        // "": every scope the client is registered for
	ExpiresIn    time.Duration // 0: givenTokenTTL
}

// tokenShape describes what wellFormed accepts.
const tokenShape = "30, 32 or 40 letters and digits (the length of Frappe's, the Odoo module's or oauthd's tokens)"

// givenTokenTTL is a given token's lifetime when the fixture names none: Frappe's expires_in.
const givenTokenTTL = time.Hour

// IssueGivenToken stores a token (and its refresh token) with the given values. The user,
// the client and the scope are checked as a grant would check them; a value already taken
// is refused.
func (e *Engine) IssueGivenToken(ctx context.Context, g GivenToken) error {
	if err := givenTokenValues(g); err != nil {
		return err
	}
	c, err := e.Client(ctx, g.ClientID)
	if err != nil {
		return err
	}
	userID, err := e.givenTokenUser(ctx, c, g)
	if err != nil {
		return err
	}
	scopes, err := registeredScope(c, g.Scope)
	if err != nil {
		return err
	}
	ttl := g.ExpiresIn
	if ttl == 0 {
		ttl = givenTokenTTL
	}
	now := e.now()
	is := e.newIssue(now, Digest(NewToken()), c.ID, userID, JoinScope(scopes), JoinScope(scopes), ttl, g.RefreshToken != "")
	is.access.ID = Digest(g.AccessToken)
	if is.refresh != nil {
		is.refresh.ID = Digest(g.RefreshToken)
	}
	if g.UserEmail != "" {
		// The fixture stands for a login now (of no browser session), and an authorization that asked for the scope it
		// gives: a refresh returns an id_token when that scope holds openid, carrying the login.
		is.bind(now.Unix(), "", "", covers(scopes, []string{"openid"}))
	}
	if err := e.store.CreateTokens(ctx, is.rows()...); err != nil {
		if errors.Is(err, models.ErrConflict) {
			return invalid("a token with this value already exists")
		}
		return err
	}
	return nil
}

// givenTokenValues checks the values: they must look like tokens this server issues or
// imports, since every other shape is refused before the database is asked.
func givenTokenValues(g GivenToken) error {
	switch {
	case !wellFormed(g.AccessToken):
		return invalid("access_token must be %s", tokenShape)
	case g.RefreshToken != "" && !wellFormed(g.RefreshToken):
		return invalid("refresh_token must be %s", tokenShape)
	case g.RefreshToken == g.AccessToken:
		return invalid("refresh_token must differ from access_token")
	case g.ExpiresIn < 0:
		return invalid("expires_in must not be negative")
	case g.UserEmail == "" && g.RefreshToken != "":
		return invalid("a client's own token has no refresh_token (RFC 6749 §4.4.3): name a user")
	}
	return nil
}

// givenTokenUser is the user a given token acts for: the named one, enabled, or the client's
// owner for the client's own token (as client_credentials would).
func (e *Engine) givenTokenUser(ctx context.Context, c *models.Client, g GivenToken) (uint, error) {
	if g.UserEmail == "" {
		switch {
		case Public(c):
			return 0, invalid("public client %q has no token of its own: name a user", c.ID)
		case c.OwnerID == nil || !c.OwnerEnabled:
			return 0, invalid("client %q has no enabled owner to act as: name a user", c.ID)
		}
		return *c.OwnerID, nil
	}
	u, err := e.User(ctx, g.UserEmail)
	if err != nil {
		return 0, err
	}
	if !u.Enabled {
		return 0, invalid("user %q is disabled", u.Email)
	}
	return u.ID, nil
}

// registeredScope is a requested scope that the client must be registered for in full, or
// every scope it is registered for when none is requested.
func registeredScope(c *models.Client, scope string) ([]string, error) {
	allowed, want := c.Scopes, ParseScope(scope)
	if len(want) == 0 {
		return allowed, nil
	}
	for _, s := range want {
		if !covers(allowed, []string{s}) {
			return nil, invalid("scope %q: client %q is not registered for it (it has %q)", s, c.ID, c.Scopes)
		}
	}
	return want, nil
}

// GrantConsent records that a user approved a client for scope ("": every scope the client is
// registered for), as if they had clicked Allow: with SkipAuthorization "auto" they are not
// asked again for those scopes. Under "force" a remembered consent never counts, so recording
// one is refused rather than silently ignored.
func (e *Engine) GrantConsent(ctx context.Context, email, clientID, scope string) error {
	if e.opt.SkipAuthorization != "auto" {
		return invalid("a granted consent counts only with oauth.skip_authorization = \"auto\" (it is %q)",
			e.opt.SkipAuthorization)
	}
	u, err := e.User(ctx, email)
	if err != nil {
		return err
	}
	c, err := e.Client(ctx, clientID)
	if err != nil {
		return err
	}
	scopes, err := registeredScope(c, scope)
	if err != nil {
		return err
	}
	return stored(remember(ctx, e.store, u.ID, c.ID, scopes, e.now()))
}
