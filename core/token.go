package core

import (
	"context"
	"time"

	"oauthd/models"
)

// TokenRequest is one call to the token endpoint, whatever the dialect: the grant type, the
// client's credentials as presented, and the grant's parameters. The dialect decides only how
// they were parsed and how the answer looks; Token owns client authentication, the grant-type
// checks and the dispatch.
type TokenRequest struct {
	GrantType    string
	Credentials  ClientCredentials
	Code         string
	RedirectURI  string
	CodeVerifier string
	RefreshToken string
	Scope        string
	AccessTTL    time.Duration
	ScopePolicy  ScopePolicy
	Issuer       string // the iss of an id_token, and the default RFC 8707 resource
	Resource     string // RFC 8707 resource indicator
	// Username, Password and Address are the password grant's (profile frappe-v15): the
	// user's credentials and the caller's network address, for the login limits.
	Username, Password, Address string
	// Quirks are the legacy behaviours the dialect saw in the request (no grant_type, a
	// secret in the query); the core decides whether the client may use them.
	Quirks Quirks
}

// Token is the token endpoint. It checks the grant type and the grant's required parameters
// before any database work, then authenticates the client, decides the legacy behaviours the
// request used, then runs the grant.
func (e *Engine) Token(ctx context.Context, req TokenRequest) (*TokenResult, error) {
	grant, perr := checkTokenRequest(&req)
	if perr != nil {
		return nil, perr
	}
	client, used, err := e.tokenClient(ctx, &req)
	if err != nil {
		return nil, err
	}
	if err := e.useQuirks(client, used|grant.quirk|req.Quirks); err != nil {
		return nil, err
	}
	res, err := grant.run(e, ctx, client, &req)
	e.observeToken(ctx, req.GrantType, res, err)
	return res, err
}

// tokenClient authenticates the token request's client. A confidential client that sends no
// secret at all, for a grant Frappe served on client_id alone, is found and its request marked
// no_client_auth, which its profile allows or not.
func (e *Engine) tokenClient(ctx context.Context, req *TokenRequest) (*models.Client, Quirks, error) {
	c, err := e.presentedClient(ctx, req.Credentials)
	switch {
	case err != nil:
		return nil, 0, err
	case secretChecks(c, req.Credentials):
		return c, 0, nil
	case withoutSecret(req.Credentials) && grantNamed(req.GrantType).secretOptional:
		return c, QuirkNoClientAuth, nil
	}
	return nil, 0, errClientAuth
}

// checkTokenRequest finds the grant and checks its parameters, in oauthlib's order and words.
// A request the dialect saw without grant_type (the Odoo module's owner token) is
// client_credentials.
func checkTokenRequest(req *TokenRequest) (grantType, *Error) {
	if req.GrantType == "" && req.Quirks&QuirkNoGrantType != 0 {
		req.GrantType = GrantClientCredentials
	}
	if req.GrantType == "" {
		return grantType{}, fail(ErrInvalidRequest, ReasonBadParameter, "Missing grant_type parameter.")
	}
	g := grantNamed(req.GrantType)
	if g.run == nil {
		return grantType{}, fail(ErrUnsupportedGrantType, ReasonBadParameter, "Unsupported grant type.")
	}
	for _, p := range g.required {
		if p.value(req) == "" {
			return grantType{}, fail(ErrInvalidRequest, p.reason, "Missing "+p.name+" parameter.")
		}
	}
	return g, nil
}
