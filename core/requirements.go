package core

import "context"

// Requirements are what a protected resource asks of a token beyond being valid: scopes that
// must all have been granted, optionally the one client whose tokens it accepts, and
// optionally the resource the token must have been issued for. The forward-auth endpoint and
// the built-in proxy both state them in their configuration.
type Requirements struct {
	Scopes   []string
	ClientID string
	// Resource, when set, is this resource's identifier (RFC 8707): a token issued for another
	// resource, or for none, is not for it (MCP 2026-07-28: the resource validates the audience).
	Resource string
}

var (
	errWrongClient   = fail(ErrInvalidToken, ReasonTokenInvalid, "The access token was not issued to a client this resource accepts.")
	errWrongAudience = fail(ErrInvalidToken, ReasonTokenInvalid, "The access token was not issued for this resource.")
)

// Check reports whether p meets the requirements: a token of another client or for another
// resource is invalid_token (401, RFC 6750 §3.1: "invalid for other reasons"), since no scope
// would make it acceptable; a missing scope is insufficient_scope (403), which the caller may
// fix by asking for it.
func (r Requirements) Check(p *Principal) error {
	if r.ClientID != "" && p.ClientID != r.ClientID {
		return errWrongClient
	}
	if r.Resource != "" && !sameResource(p.Resource, r.Resource) {
		return errWrongAudience
	}
	if !covers(p.Scopes, r.Scopes) {
		return fail(ErrInsufficientScope, ReasonInsufficientScope,
			"The access token lacks a scope this resource requires: "+JoinScope(r.Scopes)+".")
	}
	return nil
}

// AuthorizeBearer is AuthenticateBearer followed by the resource's requirements: the one check
// a reverse proxy asks of the server before it forwards a request. used are the legacy ways
// the request sent its token (the token in the query), counted and decided for its client.
func (e *Engine) AuthorizeBearer(ctx context.Context, token string, used Quirks, need Requirements) (*Principal, error) {
	p, err := e.AuthenticateBearerWith(ctx, token, used)
	if err != nil {
		return nil, err
	}
	if err := need.Check(p); err != nil {
		return nil, err
	}
	return p, nil
}
