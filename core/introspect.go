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

// IntrospectFor answers an introspection request under Options.IntrospectionAuth. With
// "client" (the default, RFC 7662 §2.1) the token must come in a POST body and the caller
// authenticates: a confidential client with its credentials sees its own tokens (every
// client's when granted the introspect scope); a bearer token granted the introspect scope
// sees every token. Tokens the caller may not see are reported inactive. With "none" anyone
// sees everything, as in Frappe, which hands any holder of a token its user's email, name and
// roles.
func (e *Engine) IntrospectFor(ctx context.Context, req IntrospectRequest) (*Introspection, error) {
	caller, all := "", true
	if e.opt.IntrospectionAuth != AuthNone {
		if req.TokenInURL {
			return nil, errIntrospectionPost
		}
		var err error
		if caller, all, err = e.introspectionCaller(ctx, req); err != nil {
			return nil, err
		}
	}
	if req.Token == "" {
		return nil, fail(ErrInvalidRequest, ReasonBadParameter, "Missing token parameter.")
	}
	in, err := e.Introspect(ctx, req.Token)
	if err != nil || !in.Active || all || in.Principal.ClientID == caller {
		return in, err
	}
	return &Introspection{}, nil
}

// introspectionCaller authenticates the caller and says which client it is and whether it may
// see every client's tokens. A public client proves nothing and is refused.
func (e *Engine) introspectionCaller(ctx context.Context, req IntrospectRequest) (string, bool, error) {
	if req.Bearer != "" {
		p, err := e.AuthenticateBearer(ctx, req.Bearer)
		if err != nil {
			return "", false, err
		}
		if !p.HasScope(ScopeIntrospect) {
			return "", false, errNoIntrospection
		}
		return p.ClientID, true, nil
	}
	if !req.Credentials.Presented() {
		return "", false, errClientAuth
	}
	c, err := e.AuthenticateClient(ctx, req.Credentials)
	if err != nil {
		return "", false, err
	}
	if Public(c) {
		return "", false, errClientAuth
	}
	return c.ID, slices.Contains(ParseScope(c.Scopes), ScopeIntrospect), nil
}
