package core

import (
	"context"
	"errors"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"oauthd/models"
)

var errLogin = fail(ErrAccessDenied, ReasonLoginFailed, "Invalid login credentials")

// dummyHash is compared against when the email is unknown, so a wrong email costs as much
// time as a wrong password and response time does not reveal which accounts exist.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("oauthd timing equaliser"), bcrypt.MinCost)

// Login checks a user's password and opens a browser session. It returns the user and the
// session id to put in a cookie (only its digest is stored).
func (e *Engine) Login(ctx context.Context, email, password string) (*models.User, string, error) {
	email = strings.ToLower(strings.TrimSpace(email)) // emails are stored lower-cased: one account per address on every backend
	if email == "" || password == "" {
		return nil, "", fail(ErrInvalidRequest, ReasonLoginFailed, "Incomplete login details")
	}
	u, err := e.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, "", unavailable(err)
	}
	if err != nil {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return nil, "", errLogin
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || !u.Enabled {
		return nil, "", errLogin
	}
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
	if !wellFormed(sid) {
		return nil, errTokenInvalid
	}
	u, err := e.store.SessionByID(ctx, Digest(sid), e.now().Unix())
	if err := lookup(err, errTokenInvalid); err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errTokenInvalid
	}
	return u, nil
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
