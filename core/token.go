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
}

// tokenParam is a parameter a grant cannot do without. reason lets a dialect with its own
// wording tell a missing code from a missing refresh token.
type tokenParam struct {
	name   string
	value  func(*TokenRequest) string
	reason Reason
}

// tokenGrant is one grant type: the parameters it requires, in oauthlib's order, and the
// function that runs it for an authenticated client.
type tokenGrant struct {
	required []tokenParam
	run      func(e *Engine, ctx context.Context, client *models.Client, req *TokenRequest) (*TokenResult, error)
}

// tokenGrants lists every supported grant type; one missing here is unsupported_grant_type.
var tokenGrants = map[string]tokenGrant{
	GrantAuthorizationCode: {
		required: []tokenParam{{"code", func(r *TokenRequest) string { return r.Code }, ReasonCodeMissing}},
		run: func(e *Engine, ctx context.Context, c *models.Client, r *TokenRequest) (*TokenResult, error) {
			return e.ExchangeCode(ctx, CodeExchange{Client: c, Code: r.Code, RedirectURI: r.RedirectURI,
				CodeVerifier: r.CodeVerifier, AccessTTL: r.AccessTTL, Issuer: r.Issuer, Resource: r.Resource})
		},
	},
	GrantRefreshToken: {
		required: []tokenParam{{"refresh_token", func(r *TokenRequest) string { return r.RefreshToken }, ReasonRefreshMissing}},
		run: func(e *Engine, ctx context.Context, c *models.Client, r *TokenRequest) (*TokenResult, error) {
			return e.Refresh(ctx, RefreshRequest{Client: c, RefreshToken: r.RefreshToken, Scope: r.Scope,
				AccessTTL: r.AccessTTL, ScopePolicy: r.ScopePolicy, Issuer: r.Issuer, Resource: r.Resource})
		},
	},
	GrantClientCredentials: {
		run: func(e *Engine, ctx context.Context, c *models.Client, r *TokenRequest) (*TokenResult, error) {
			return e.ClientCredentials(ctx, ClientCredentialsRequest{Client: c, Scope: r.Scope,
				AccessTTL: r.AccessTTL, ScopePolicy: r.ScopePolicy})
		},
	},
}

// Token is the token endpoint. It checks the grant type and the grant's required parameters
// before any database work, then authenticates the client, then runs the grant.
func (e *Engine) Token(ctx context.Context, req TokenRequest) (*TokenResult, error) {
	grant, perr := checkTokenRequest(&req)
	if perr != nil {
		return nil, perr
	}
	client, err := e.AuthenticateClient(ctx, req.Credentials)
	if err != nil {
		return nil, err
	}
	res, err := grant.run(e, ctx, client, &req)
	e.observeToken(ctx, req.GrantType, res, err)
	return res, err
}

// checkTokenRequest finds the grant and checks its parameters, in oauthlib's order and words.
func checkTokenRequest(req *TokenRequest) (tokenGrant, *Error) {
	if req.GrantType == "" {
		return tokenGrant{}, fail(ErrInvalidRequest, ReasonBadParameter, "Missing grant_type parameter.")
	}
	grant, ok := tokenGrants[req.GrantType]
	if !ok {
		return tokenGrant{}, fail(ErrUnsupportedGrantType, ReasonBadParameter, "Unsupported grant type.")
	}
	for _, p := range grant.required {
		if p.value(req) == "" {
			return tokenGrant{}, fail(ErrInvalidRequest, p.reason, "Missing "+p.name+" parameter.")
		}
	}
	return grant, nil
}
