package core

import (
	"context"
	"slices"
)

// ScopeIntrospect, granted to a client, lets it introspect tokens of every client, and lets a
// bearer token carrying it authenticate an introspection request.
const ScopeIntrospect = "introspect"

// IntrospectRequest is an introspection request (RFC 7662) from any dialect.
type IntrospectRequest struct {
	// Credentials are the caller's client credentials, or Bearer the caller's own access
	// token; one of them authenticates the request.
	Credentials ClientCredentials
	Bearer      string
	Token       string
	// TokenInURL: the token came in the query string (a GET, or a POST with a query), where
	// logs and proxies keep it.
	TokenInURL bool
}

var (
	errIntrospectionPost = fail(ErrInvalidRequest, ReasonBadParameter, "Send the token in a POST body, not in the URL.")
	errNoIntrospection   = fail(ErrInsufficientScope, ReasonInsufficientScope,
		"This token's client is not granted introspection.")
)

// IntrospectFor answers an introspection request. The token must come in a POST body. A
// caller that authenticates (RFC 7662 §2.1) sees what it may: a confidential client its own
// tokens (every client's when granted the introspect scope), a bearer token granted the
// introspect scope every token; tokens it may not see are reported inactive. A caller that
// authenticates nothing is answered about the token it presents, as Frappe up to v15 answered
// anyone (introspect_without_client, which the token's client may refuse): whoever holds a
// token learns nothing new by introspecting it.
//
// Options.IntrospectionAuth "none" (deprecated) is Frappe's behaviour whole: anyone sees
// every token, by GET too; "client" (deprecated) refuses every caller that does not
// authenticate.
func (e *Engine) IntrospectFor(ctx context.Context, req IntrospectRequest) (*Introspection, error) {
	if e.opt.IntrospectionAuth == AuthNone {
		if req.Token == "" {
			return nil, errNoToken
		}
		return e.Introspect(ctx, req.Token)
	}
	if req.TokenInURL {
		return nil, errIntrospectionPost
	}
	switch {
	case req.Bearer != "":
		return e.introspectByBearer(ctx, req)
	case req.Credentials.Presented():
		return e.introspectByClient(ctx, req)
	case e.opt.IntrospectionAuth == TokenAuthClient:
		return nil, errClientAuth
	}
	return e.introspectHeld(ctx, req.Token)
}

// introspectHeld describes a token to whoever presents it, unless its client refuses that.
func (e *Engine) introspectHeld(ctx context.Context, token string) (*Introspection, error) {
	if token == "" {
		return nil, errNoToken
	}
	in, err := e.Introspect(ctx, token)
	if err != nil || !in.Active {
		return in, err
	}
	if err := e.heldQuirks(in.Principal.ClientID, in.refused, QuirkIntrospectWithoutClient); err != nil {
		return nil, err
	}
	return in, nil
}

// introspectByBearer answers a caller that authenticates with a bearer token granted the
// introspect scope: it sees every token.
func (e *Engine) introspectByBearer(ctx context.Context, req IntrospectRequest) (*Introspection, error) {
	p, err := e.AuthenticateBearer(ctx, req.Bearer)
	if err != nil {
		return nil, err
	}
	if !p.HasScope(ScopeIntrospect) {
		return nil, errNoIntrospection
	}
	if req.Token == "" {
		return nil, errNoToken
	}
	return e.Introspect(ctx, req.Token)
}

// introspectByClient answers a caller that authenticates with its client credentials: its own
// tokens, or every client's when it is granted the introspect scope. A public client proves
// nothing and is refused. The caller's client and the token are read in one statement; nothing
// of the token is used before the client is authenticated.
func (e *Engine) introspectByClient(ctx context.Context, req IntrospectRequest) (*Introspection, error) {
	if err := credentialsReadable(req.Credentials); err != nil {
		return nil, err
	}
	digest := ""
	if wellFormed(req.Token) {
		digest = Digest(req.Token)
	}
	c, t, err := e.store.ClientAndTokenForIntrospection(ctx, req.Credentials.ID, digest)
	if c, err = e.authenticated(ctx, c, err, req.Credentials); err != nil {
		return nil, err
	}
	if Public(c) {
		return nil, errClientAuth
	}
	if req.Token == "" {
		return nil, errNoToken
	}
	in := e.introspected(t)
	if !in.Active || in.Principal.ClientID == c.ID || slices.Contains(c.Scopes, ScopeIntrospect) {
		return in, nil
	}
	return &Introspection{}, nil
}
