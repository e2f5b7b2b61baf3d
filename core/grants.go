package core

import (
	"context"
	"slices"

	"oauthd/models"
)

// grantType is one grant type a client may be given: how it starts, whom it is for, and, when
// the token endpoint answers it, the parameters it requires and what runs it.
type grantType struct {
	name string
	// responseType is what a client asks the authorization endpoint for to start the grant.
	responseType string
	// quirk is the legacy behaviour using the grant is: only a client of a profile that had it
	// may be given it. 0: any client may.
	quirk Quirks
	// forOwner: its tokens act as the client's owner user, which a self-registered client has
	// none of.
	forOwner bool
	// secretOptional: Frappe up to v15 served it on client_id alone, so a client of a profile
	// with no_client_auth may use it without its secret.
	secretOptional bool
	// required are the token request's parameters it cannot do without, in oauthlib's order.
	required []tokenParam
	// run runs it at the token endpoint for an authenticated client; nil for the implicit
	// grant, which the authorization endpoint answers (at the token endpoint it is
	// unsupported_grant_type).
	run func(e *Engine, ctx context.Context, client *models.Client, req *TokenRequest) (*TokenResult, error)
}

// tokenParam is a parameter a grant cannot do without. reason lets a dialect with its own
// wording tell a missing code from a missing refresh token.
type tokenParam struct {
	name   string
	value  func(*TokenRequest) string
	reason Reason
}

// grantTypes is the one list of grant types, in the order the discovery document lists them.
// The metadata, registration, client validation and the token endpoint all read it.
var grantTypes = []grantType{
	{
		name: GrantAuthorizationCode, responseType: "code", secretOptional: true,
		required: []tokenParam{{"code", func(r *TokenRequest) string { return r.Code }, ReasonCodeMissing}},
		run: func(e *Engine, ctx context.Context, c *models.Client, r *TokenRequest) (*TokenResult, error) {
			return e.ExchangeCode(ctx, CodeExchange{Client: c, Code: r.Code, RedirectURI: r.RedirectURI,
				CodeVerifier: r.CodeVerifier, AccessTTL: r.AccessTTL, Issuer: r.Issuer, Resource: r.Resource})
		},
	},
	{
		name: GrantRefreshToken, secretOptional: true,
		required: []tokenParam{{"refresh_token", func(r *TokenRequest) string { return r.RefreshToken }, ReasonRefreshMissing}},
		run: func(e *Engine, ctx context.Context, c *models.Client, r *TokenRequest) (*TokenResult, error) {
			return e.Refresh(ctx, RefreshRequest{Client: c, RefreshToken: r.RefreshToken, Scope: r.Scope,
				AccessTTL: r.AccessTTL, ScopePolicy: r.ScopePolicy, Issuer: r.Issuer, Resource: r.Resource})
		},
	},
	{
		name: GrantClientCredentials, forOwner: true,
		run: func(e *Engine, ctx context.Context, c *models.Client, r *TokenRequest) (*TokenResult, error) {
			return e.ClientCredentials(ctx, ClientCredentialsRequest{Client: c, Scope: r.Scope,
				AccessTTL: r.AccessTTL, ScopePolicy: r.ScopePolicy})
		},
	},
	{
		// its parameters are checked once the client may use it: to others it is unsupported
		name: GrantPassword, quirk: QuirkPasswordGrant, secretOptional: true,
		run: func(e *Engine, ctx context.Context, c *models.Client, r *TokenRequest) (*TokenResult, error) {
			return e.PasswordGrant(ctx, c, r)
		},
	},
	{name: GrantImplicit, responseType: "token", quirk: QuirkImplicitGrant},
}

// grantNamed finds a grant type; an unknown name is the zero grantType.
func grantNamed(name string) grantType {
	if i := slices.IndexFunc(grantTypes, func(g grantType) bool { return g.name == name }); i >= 0 {
		return grantTypes[i]
	}
	return grantType{}
}

// GrantTypes are the grant types any client may be given, as the discovery document lists
// them; those only a profile gives are not among them.
func GrantTypes() []string { return grantNames(func(g grantType) bool { return g.quirk == 0 }) }

// ResponseTypes are the response types that start those grants.
func ResponseTypes() []string { return responseTypes(GrantTypes()) }

// responseTypes are the response types that start the named grants.
func responseTypes(names []string) []string {
	var out []string
	for _, name := range names {
		if g := grantNamed(name); g.responseType != "" {
			out = append(out, g.responseType)
		}
	}
	return out
}

// registrableGrants are the grant types a client may register for itself (RFC 7591): any
// client's, but those acting as an owner it cannot have.
func registrableGrants() []string {
	return grantNames(func(g grantType) bool { return g.quirk == 0 && !g.forOwner })
}

func grantNames(keep func(grantType) bool) []string {
	var out []string
	for _, g := range grantTypes {
		if keep(g) {
			out = append(out, g.name)
		}
	}
	return out
}

// validGrantTypes accepts the grant types any client may have, and those only a profile gives
// (password, implicit) for a client of that profile.
func validGrantTypes(grants []string, profile string) error {
	p, _ := profileNamed(profile)
	for _, name := range grants {
		g := grantNamed(name)
		switch {
		case g.name == "":
			return invalid("unknown grant type %q", name)
		case g.quirk != 0 && p.Quirks&g.quirk == 0:
			return invalid("grant type %q is only for clients of a profile that had it (frappe-v15)", name)
		}
	}
	return nil
}
