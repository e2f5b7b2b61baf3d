package core

import (
	"context"
	"errors"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"oauthd/models"
)

var errLogin = fail(ErrAccessDenied, ReasonLoginFailed, "Invalid login credentials")

// dummyHash is compared against when the email is unknown, so a wrong email costs as much
// time as a wrong password and response time does not reveal which accounts exist.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("oauthd timing equaliser"), bcrypt.MinCost)

// Login checks a user's password and opens a browser session. It returns the user and the
// session id to put in a cookie (only its digest is stored).
func (e *Engine) Login(ctx context.Context, email, password string) (_ *models.User, _ string, err error) {
	defer func() { e.observeLogin(ctx, err) }()
	email = strings.ToLower(strings.TrimSpace(email)) // emails are stored lower-cased: one account per address on every backend
	if email == "" || password == "" {
		return nil, "", fail(ErrInvalidRequest, ReasonLoginFailed, "Incomplete login details")
	}
	u, err := e.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, "", unavailable(err)
	}
	if err != nil {
		u = nil // unknown: verifyAndRehash compares against the dummy hash
	}
	if !e.verifyAndRehash(ctx, u, password) || !u.Enabled {
		return nil, "", errLogin
	}
	noteUser(ctx, u.ID)
	sid := NewToken()
	now := e.now()
	sess := &models.Session{ID: Digest(sid), UserID: u.ID, CreatedAt: now.Unix(), ExpiresAt: now.Add(e.opt.SessionTTL).Unix()}
	if err := e.store.CreateSession(ctx, sess); err != nil {
		return nil, "", stored(err)
	}
	return u, sid, nil
}

// SessionUser returns the enabled user of a live session, or an invalid_token error.
func (e *Engine) SessionUser(ctx context.Context, sid string) (*models.User, error) {
	s, err := e.liveSession(ctx, sid)
	if err != nil {
		return nil, err
	}
	return &s.User, nil
}

// Session is the browser session a request runs in, as the authorization flow sees it.
type Session struct {
	ID      string       // the session id from the cookie; "" when there is none
	User    *models.User // nil: nobody is logged in
	LoginAt time.Time    // when the user logged in (the session was opened)
}

// CurrentSession resolves a session cookie. A missing, unknown, expired or disabled user's
// session is no session (a nil User); the error is non-nil only when the store failed.
func (e *Engine) CurrentSession(ctx context.Context, sid string) (Session, error) {
	if sid == "" {
		return Session{}, nil
	}
	s, err := e.liveSession(ctx, sid)
	if err != nil {
		if AsError(err).Unavailable() {
			return Session{}, err
		}
		return Session{}, nil
	}
	return Session{ID: sid, User: &s.User, LoginAt: time.Unix(s.LoginAt, 0).UTC()}, nil
}

func (e *Engine) liveSession(ctx context.Context, sid string) (*models.SessionUser, error) {
	if !wellFormed(sid) {
		return nil, errTokenInvalid
	}
	s, err := e.store.SessionByID(ctx, Digest(sid), e.now().Unix())
	if err := lookup(err, errTokenInvalid); err != nil {
		return nil, err
	}
	if !s.Enabled {
		return nil, errTokenInvalid
	}
	noteUser(ctx, s.ID)
	return s, nil
}

// Logout ends a session; an unknown one is not an error.
func (e *Engine) Logout(ctx context.Context, sid string) error {
	if !wellFormed(sid) {
		return nil
	}
	if err := e.store.DeleteSession(ctx, Digest(sid)); err != nil {
		return unavailable(err)
	}
	return nil
}
