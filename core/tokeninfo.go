package core

import (
	"context"
	"errors"
	"time"

	"oauthd/models"
)

// Principal is who a valid access token speaks for. FirstName, LastName and Roles are claims,
// which only userinfo and introspection report: a bearer check, on every API call, leaves them
// out of its read, and UserInfo reads them when they are asked for.
type Principal struct {
	UserID    uint
	Email     string
	FullName  string
	FirstName string
	LastName  string
	Roles     []string
	Subject   string
	ClientID  string
	Scopes    []string
	Resource  string // the RFC 8707 resource the token was issued for (its audience); "" for none
	ExpiresAt time.Time
	profiled  bool // FirstName, LastName and Roles are set
}

// HasScope reports whether the token was granted scope s.
func (p *Principal) HasScope(s string) bool { return covers(p.Scopes, []string{s}) }

var (
	errTokenInvalid = fail(ErrInvalidToken, ReasonTokenInvalid, "The access token is invalid, expired or revoked.")
	// errTokenMissing is invalid_token too, but a challenge names no error for it (RFC 6750 §3.1).
	errTokenMissing = fail(ErrInvalidToken, ReasonTokenMissing, "The access token is invalid, expired or revoked.")
)

// AuthenticateBearer checks an access token: one primary-key read (token joined with its
// user), no write, or none at all when the bearer cache is on and holds the token. Malformed
// tokens are refused before touching the database.
func (e *Engine) AuthenticateBearer(ctx context.Context, token string) (*Principal, error) {
	return e.AuthenticateBearerWith(ctx, token, 0)
}

// AuthenticateBearerWith is AuthenticateBearer for a request that used legacy behaviours to
// send its token (the misspelt Authorizaton header, the token in the query): once the token
// is valid, its client's refusals decide, from memory (no read more than a plain check).
func (e *Engine) AuthenticateBearerWith(ctx context.Context, token string, used Quirks) (*Principal, error) {
	p, err := e.checkBearer(ctx, token)
	if err != nil || used == 0 {
		return p, err
	}
	if err := e.heldQuirks(p.ClientID, e.refusedBy(ctx, p.ClientID), used); err != nil {
		return nil, err
	}
	return p, nil
}

func (e *Engine) checkBearer(ctx context.Context, token string) (*Principal, error) {
	if token == "" {
		return nil, errTokenMissing
	}
	if !wellFormed(token) {
		return nil, errTokenInvalid
	}
	digest, now := Digest(token), e.now()
	if p, ok := e.bearer.get(digest, now); ok {
		e.observeBearer(ctx, p, true)
		if p == nil {
			return nil, errTokenInvalid
		}
		return p, nil
	}
	e.observeBearer(ctx, nil, false)
	epoch := e.bearer.epoch()
	t, err := e.store.BearerByID(ctx, digest)
	if errors.Is(err, models.ErrNotFound) {
		e.bearer.put(epoch, digest, "", nil, now)
	}
	if err := lookup(err, errTokenInvalid); err != nil {
		return nil, err
	}
	if t.Kind != models.KindAccess || !active(t, now) {
		e.bearer.put(epoch, digest, "", nil, now)
		return nil, errTokenInvalid
	}
	p := bearerPrincipal(t)
	if e.bearer != nil { // the cache keeps a copy of its own: callers may change theirs
		cached := *p
		e.bearer.put(epoch, digest, t.GrantID, &cached, now)
	}
	noteClient(ctx, p.ClientID)
	noteUser(ctx, p.UserID)
	return p, nil
}

func active(t *models.TokenOwner, now time.Time) bool {
	return t.RevokedAt == 0 && !expired(t.ExpiresAt, now) && t.Enabled && t.ClientExists
}

// bearerPrincipal is the principal of a bearer check's read (models.Store.BearerByID): no claims.
func bearerPrincipal(t *models.TokenOwner) *Principal {
	p := &Principal{UserID: t.UserID, Email: t.Email, FullName: t.FullName, Subject: t.Subject,
		ClientID: t.ClientID, Scopes: ParseScope(t.Scope), Resource: t.Resource}
	if t.ExpiresAt != 0 {
		p.ExpiresAt = time.Unix(t.ExpiresAt, 0).UTC()
	}
	return p
}

// principal is the principal of a whole token row with its user, claims included.
func principal(t *models.TokenOwner) *Principal {
	p := bearerPrincipal(t)
	profile(p, t.Email, t.FullName, t.FirstName, t.LastName, t.Roles)
	return p
}

// profile sets p's claims from its user's row.
func profile(p *Principal, email, full, first, last string, roles []string) {
	p.FirstName, p.LastName, p.Roles, p.profiled = first, last, userRoles(roles), true
	if first == "" && last == "" { // a row from before the name columns
		_, p.FirstName, p.LastName = userNames(email, full, "", "")
	}
}

// Introspection is what RFC 7662 reports about a token. Inactive tokens carry nothing else.
type Introspection struct {
	Active        bool
	Kind          string
	TrustedClient bool // the client's skip_authorization
	Principal     *Principal
	IssuedAt      time.Time
	Resource      string // RFC 8707 resource the token is for, reported as aud
	refused       Quirks // what the token's client refuses
}

// Introspect describes a token of either kind; unknown, expired and revoked tokens are simply
// inactive, so the answer is no oracle for anything else.
// It is one read, of the token with its user and client, and never the bearer cache: whether
// the token's client refuses introspect_without_client, and its trusted flag, must count at once,
// even when changed by another process.
func (e *Engine) Introspect(ctx context.Context, token string) (*Introspection, error) {
	if !wellFormed(token) {
		return &Introspection{}, nil
	}
	t, err := e.store.TokenForIntrospection(ctx, Digest(token))
	if err := lookup(err, nil); err != nil {
		return nil, err
	}
	return e.introspected(t), nil
}

// introspected is what introspection reports of a token read with its owner (nil: none).
func (e *Engine) introspected(t *models.TokenOwner) *Introspection {
	if t == nil || !active(t, e.now()) {
		return &Introspection{}
	}
	return &Introspection{Active: true, Kind: t.Kind, TrustedClient: t.SkipConsent, Principal: principal(t),
		IssuedAt: time.Unix(t.IssuedAt, 0).UTC(), Resource: t.Resource, refused: storedQuirks(t.ClientRefusedQuirks)}
}

// revokeToken revokes a token of either kind and, with it, every token of its grant (RFC 7009
// §2.1: revoking a refresh token revokes its access tokens; we also revoke the other way, so
// revoking either token of a pair revokes both) and the consent behind it. An unknown token,
// or one of a client other than clientID, is not an error and revokes nothing.
func (e *Engine) revokeToken(ctx context.Context, token, clientID string) error {
	t, err := e.tokenRow(ctx, token)
	if t == nil || err != nil || t.ClientID != clientID {
		return err
	}
	return e.revokeGrant(ctx, t.GrantID, e.now())
}

// tokenRow reads a token of either kind with its owner; nil, without an error, when there is
// no such token.
func (e *Engine) tokenRow(ctx context.Context, token string) (*models.TokenOwner, error) {
	if !wellFormed(token) {
		return nil, nil
	}
	t, err := e.store.TokenByID(ctx, Digest(token))
	if err := lookup(err, nil); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, nil
	}
	return t, nil
}
