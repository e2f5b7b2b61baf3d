package core

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"oauthd/models"
)

var errLogin = fail(ErrAccessDenied, ReasonLoginFailed, "Invalid login credentials")

// newDummyHash hashes a fixed string at the configured cost, once at start-up.
func newDummyHash(cost int) []byte {
	h, err := bcrypt.GenerateFromPassword([]byte("oauthd timing equaliser"), cost)
	if err != nil { // only a cost out of bcrypt's range, which config refuses
		h, _ = bcrypt.GenerateFromPassword([]byte("oauthd timing equaliser"), bcrypt.DefaultCost)
	}
	return h
}

// LoginAttempt is one password login: what the user typed, and the client address it came
// from (for the per-address limit; "" skips it).
type LoginAttempt struct {
	Email, Password, Address string
}

// Login checks a user's password and opens a browser session. It returns the user and the
// session id to put in a cookie (only its digest is stored). Every attempt passes the login
// limits first (see LoginLimits), keyed by the account as resolved here, so no spelling of
// the request can escape them.
func (e *Engine) Login(ctx context.Context, a LoginAttempt) (*models.User, string, error) {
	u, err := e.authenticateUser(ctx, a)
	if err != nil {
		return nil, "", err
	}
	sid, err := e.openSession(ctx, u)
	if err != nil {
		return nil, "", err
	}
	return u, sid, nil
}

// authenticateUser checks a user's password under the login limits, with the timing defence
// of checkPassword: the one password check of every login page, login API and the password
// grant.
func (e *Engine) authenticateUser(ctx context.Context, a LoginAttempt) (_ *models.User, err error) {
	defer func() { e.observeLogin(ctx, err) }()
	email := NormalizeEmail(a.Email)
	if email == "" || a.Password == "" {
		return nil, fail(ErrInvalidRequest, ReasonLoginFailed, "Incomplete login details")
	}
	if err := e.limits.admit(ctx, email, a.Address); err != nil {
		return nil, err
	}
	u, err := e.checkPassword(ctx, email, a.Password)
	if err != nil && AsError(err).Reason != ReasonLoginFailed {
		return nil, err // busy or unavailable: not a guess
	}
	if rerr := e.limits.record(ctx, email, err == nil); rerr != nil {
		return nil, unavailable(rerr)
	}
	return u, err
}

// NormalizeEmail is the one spelling of an account name: emails are stored trimmed and
// lower-cased, one account per address on every backend.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// checkPassword returns the enabled user whose password this is, or errLogin. The check
// (bcrypt, or an imported hash, then its re-hash) runs under the hashing semaphore; an unknown
// email is compared against the dummy hash so that it takes as long as a wrong password.
func (e *Engine) checkPassword(ctx context.Context, email, password string) (*models.User, error) {
	u, err := e.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, unavailable(err)
	}
	if err != nil {
		u = nil // unknown: verifyAndRehash compares against the dummy hash
	}
	release, berr := e.limits.acquireHash(ctx)
	if berr != nil {
		return nil, berr
	}
	ok := e.verifyAndRehash(ctx, u, password)
	release()
	if !ok || !u.Enabled {
		return nil, errLogin
	}
	noteUser(ctx, u.ID)
	return u, nil
}

// openSession stores a new session for u and ends u's oldest sessions beyond MaxSessions, so
// that scripted logins cannot grow the table without bound.
func (e *Engine) openSession(ctx context.Context, u *models.User) (string, error) {
	sid := NewToken()
	now := e.now()
	sess := &models.Session{ID: Digest(sid), UserID: u.ID, CreatedAt: now.Unix(), ExpiresAt: now.Add(e.opt.SessionTTL).Unix()}
	if err := e.store.CreateSession(ctx, sess); err != nil {
		return "", stored(err)
	}
	if err := e.store.TrimSessions(ctx, u.ID, e.opt.MaxSessions); err != nil {
		return "", unavailable(err)
	}
	return sid, nil
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

// sessionSID is the OpenID Connect sid of a browser session, which id_tokens carry so that a
// logout can tell whether its id_token_hint belongs to the session signed in now. It is derived
// from the session's stored digest: it names the session without being its cookie, and reveals
// nothing of it. "" for no session.
func sessionSID(sessionID string) string {
	if sessionID == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("oauthd sid v1\x00" + Digest(sessionID)))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// Logout ends a session; an unknown one is not an error.
func (e *Engine) Logout(ctx context.Context, sid string) error {
	return endSession(ctx, sid, e.store.DeleteSession)
}

// endSession deletes the session a handle (a browser's or the admin page's) names, by its
// digest; a malformed or unknown handle is not an error.
func endSession(ctx context.Context, handle string, deleteByDigest func(context.Context, string) error) error {
	if !wellFormed(handle) {
		return nil
	}
	if err := deleteByDigest(ctx, Digest(handle)); err != nil {
		return unavailable(err)
	}
	return nil
}
