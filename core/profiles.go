package core

import (
	"slices"

	"oauthd/models"
)

// Profile names the system a client came from, so that it behaves as it did there: the
// legacy behaviours its clients may use beyond the harmless ones every client has, and the
// settings a new client of the profile starts with. The import gives each client its
// source's profile; `client add --profile` does by hand.
type Profile struct {
	Name string
	// Quirks are the profile's behaviours weaker than RFC 9700. Those with a setting of their
	// own (plain_pkce: pkce_plain, no_pkce: pkce optional, hs256_id_token: id_token_alg,
	// password_grant and implicit_grant: the grant types) are what a new client's settings
	// start with, and the grant types the profile lets a client be given; the rest
	// (no_client_auth) the profile alone allows.
	Quirks Quirks
	// GrantTypes and RefreshRotation are a new client's defaults.
	GrantTypes      []string
	RefreshRotation bool
	// RevokeAccessOnRefresh: a refresh also revokes the grant's earlier access tokens, as
	// Frappe's own test_refresh_grant_revokes_the_rotated_token expects.
	RevokeAccessOnRefresh bool
}

// Profile names.
const (
	ProfileStandard  = models.DefaultProfile
	ProfileFrappeV15 = "frappe-v15"
	ProfileFrappe    = "frappe"
	ProfileOdoo      = "odoo"
)

// Grant types only a profile gives.
const (
	GrantPassword = "password"
	GrantImplicit = "implicit" // response_type=token at authorize; no token-endpoint grant
)

// profileOnlyQuirks have no per-client setting: the profile alone decides them.
const profileOnlyQuirks = QuirkNoClientAuth

var codeAndRefresh = []string{GrantAuthorizationCode, GrantRefreshToken}

// profiles lists every profile; the first is the default.
var profiles = []Profile{
	// standard: today's RFC 9700 behaviour; PKCE required for public clients, S256 only.
	{Name: ProfileStandard, GrantTypes: codeAndRefresh, RefreshRotation: true},
	// frappe-v15: Frappe up to v15. Codes and refresh tokens exchanged without client
	// authentication (never checked before 2026), HS256 id_tokens, PKCE optional and plain
	// allowed, the password grant, and response_type=token for clients given the implicit
	// grant (a Frappe grant type of Implicit).
	{Name: ProfileFrappeV15, Quirks: QuirkNoClientAuth | QuirkHS256IDToken | QuirkNoPKCE | QuirkPlainPKCE |
		QuirkPasswordGrant | QuirkImplicitGrant,
		GrantTypes: []string{GrantAuthorizationCode, GrantRefreshToken, GrantPassword}, RefreshRotation: true,
		RevokeAccessOnRefresh: true},
	// frappe: Frappe v16. Its registered token_endpoint_auth_method, HS256 id_tokens, S256
	// only, PKCE required for public clients.
	{Name: ProfileFrappe, Quirks: QuirkHS256IDToken, GrantTypes: codeAndRefresh, RefreshRotation: true,
		RevokeAccessOnRefresh: true},
	// odoo: the REST API module. Tokens for the owner from client credentials, one refresh
	// token kept for good (no rotation); its other habits (no grant_type, the token in the
	// query, the secret in a POST's query) are harmless and every client's.
	{Name: ProfileOdoo, GrantTypes: []string{GrantAuthorizationCode, GrantRefreshToken, GrantClientCredentials}},
}

// ProfileNames lists every profile's name.
func ProfileNames() []string {
	out := make([]string, len(profiles))
	for i, p := range profiles {
		out[i] = p.Name
	}
	return out
}

// profileNamed finds a profile; "" is the default.
func profileNamed(name string) (Profile, bool) {
	if name == "" {
		return profiles[0], true
	}
	i := slices.IndexFunc(profiles, func(p Profile) bool { return p.Name == name })
	if i < 0 {
		return Profile{}, false
	}
	return profiles[i], true
}

// profileOf is a client's profile; a row from before profiles, or with a name this build does
// not know, is standard.
func profileOf(c *models.Client) Profile {
	p, ok := profileNamed(c.Profile)
	if !ok {
		return profiles[0]
	}
	return p
}

// ProfileOf names a client's profile.
func ProfileOf(c *models.Client) string { return profileOf(c).Name }

// only is what the profile alone allows, whatever the client's settings.
func (p Profile) only() Quirks { return p.Quirks & profileOnlyQuirks }

// presetPKCE is a new client's PKCE policy: required for a public client unless the profile
// lets it go without, optional for a confidential one.
func (p Profile) presetPKCE(public bool) string {
	if public && p.Quirks&QuirkNoPKCE == 0 {
		return "required"
	}
	return "optional"
}
