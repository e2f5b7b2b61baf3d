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
	if req.Bearer == "" && !req.Credentials.Presented() {
		if e.opt.IntrospectionAuth == TokenAuthClient {
			return nil, errClientAuth
		}
		return e.introspectHeld(ctx, req.Token)
	}
	caller, all, err := e.introspectionCaller(ctx, req)
	if err != nil {
		return nil, err
	}
	if req.Token == "" {
		return nil, errNoToken
	}
	in, err := e.Introspect(ctx, req.Token)
	if err != nil || !in.Active || all || in.Principal.ClientID == caller {
		return in, err
	}
	return &Introspection{}, nil
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
	return c.ID, slices.Contains(c.Scopes, ScopeIntrospect), nil
}
