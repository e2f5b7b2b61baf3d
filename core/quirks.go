package core

import (
	"math/bits"
	"slices"
	"strings"

	"oauthd/models"
)

// Quirks is a set of legacy behaviours: things Frappe or the Odoo module accepted, that their
// documents show or their clients send, and that oauthd keeps accepting so that no working
// client breaks. Adapters observe the ones only the wire shows (a misspelt header, a secret
// in a URL) and pass them in the request; the core sees the rest itself, decides per client
// whether each use is allowed, and counts every use in the quirk ledger (ledger.go), so an
// operator can tighten a client once its count stops growing.
//
// Harmless quirks let the caller do nothing it could not already do with what it holds, and
// every client may use them. The others are weaker than RFC 9700; a client gets them from
// its profile (profiles.go) or from its own settings. An operator can refuse any of them per
// client (Client.RefusedQuirks).
type Quirks uint32

// The quirks, by stable name (the names are the ledger's, the CLI's and the metrics').
const (
	// QuirkRevokeWithoutClient (revoke_without_client): a revocation naming no client, only
	// the token, as seed 000's revoke_token shows. Harmless: holding the token is the proof.
	QuirkRevokeWithoutClient Quirks = 1 << iota
	// QuirkIntrospectWithoutClient (introspect_without_client): introspection of a token by
	// whoever holds it, with no client, as Frappe up to v15 answered it. Harmless: the answer
	// is about that token alone, whose holder can already use it.
	QuirkIntrospectWithoutClient
	// QuirkSecretInURL (secret_in_url): client_secret in the query of an authorize or
	// userinfo URL (OpenInt's Odoo connector), or of the Odoo module's token POST. Harmless:
	// the secret was already exposed when it arrives; an authorize URL's is ignored.
	QuirkSecretInURL
	// QuirkAuthorizatonHeader (authorizaton_header): the bearer token in the header misspelt
	// "Authorizaton", as Frappe's documents (seeds 000 to 002) print it. Harmless.
	QuirkAuthorizatonHeader
	// QuirkTokenInQuery (token_in_query): the access token in the URL's query
	// (?access_token=), which the Odoo module reads on resource calls. Harmless to the
	// server; the client leaks its own token into logs.
	QuirkTokenInQuery
	// QuirkNoGrantType (no_grant_type): an Odoo token request without grant_type, which the
	// module answers with a token for the client's owner. Harmless: only a client allowed
	// client_credentials gets that token.
	QuirkNoGrantType
	// QuirkNoRedirectURI (no_redirect_uri): an authorization request without redirect_uri,
	// which then goes to the client's first registered one (both systems did so). Harmless.
	QuirkNoRedirectURI
	// QuirkNoClientAuth (no_client_auth): a confidential client exchanging a code, a refresh
	// token or a password without authenticating, as Frappe up to v15 allowed (its #6080) and
	// its documents show. Profile frappe-v15 only.
	QuirkNoClientAuth
	// QuirkPlainPKCE (plain_pkce): the plain PKCE method, which Frappe accepted. Clients with
	// --pkce-plain, which profile frappe-v15 presets.
	QuirkPlainPKCE
	// QuirkNoPKCE (no_pkce): a public client's authorization without PKCE, as the seed's
	// Frappe client sends it. Public clients with --pkce optional, which profile frappe-v15
	// presets.
	QuirkNoPKCE
	// QuirkPasswordGrant (password_grant): grant_type=password, Frappe's resource owner
	// password grant (up to v15). Profile frappe-v15, grant type password.
	QuirkPasswordGrant
	// QuirkImplicitGrant (implicit_grant): response_type=token, for a client whose Frappe
	// grant type was Implicit. Profile frappe-v15, grant type implicit.
	QuirkImplicitGrant
	// QuirkHS256IDToken (hs256_id_token): an id_token signed HS256 with the client secret, as
	// Frappe's own tests verify it. Clients with --id-token-alg HS256, which both Frappe
	// profiles preset. Refused, the id_token is signed with the server's keys instead.
	QuirkHS256IDToken

	quirkEnd // one past the last quirk
)

// quirkInfo is what the core knows of one quirk: its name, whether every client may use it,
// and how a refused use is answered.
type quirkInfo struct {
	name     string
	harmless bool
	refusal  *Error
}

// quirkInfos follows the constants' order: bit i is quirkInfos[i].
var quirkInfos = []quirkInfo{
	{"revoke_without_client", true, fail(ErrInvalidClient, ReasonQuirkRefused,
		"This client's tokens are revoked only by the client itself: authenticate it.")},
	{"introspect_without_client", true, fail(ErrInvalidClient, ReasonQuirkRefused,
		"This client's tokens are introspected only by an authenticated client.")},
	{"secret_in_url", true, fail(ErrInvalidRequest, ReasonQuirkRefused,
		"Never put client_secret in a URL: send it in a POST body or a header.")},
	{"authorizaton_header", true, fail(ErrInvalidToken, ReasonQuirkRefused,
		"Send the bearer token in the Authorization header.")},
	{"token_in_query", true, fail(ErrInvalidToken, ReasonQuirkRefused,
		"Send the access token in the Authorization header, not in the URL.")},
	{"no_grant_type", true, fail(ErrInvalidRequest, ReasonQuirkRefused, "Missing grant_type parameter.")},
	{"no_redirect_uri", true, fail(ErrInvalidRequest, ReasonQuirkRefused, "Missing redirect URI.")},
	{"no_client_auth", false, errClientAuth},
	{"plain_pkce", false, redirectable(ErrInvalidRequest, ReasonPKCE, "Transform algorithm not supported: use S256.")},
	{"no_pkce", false, redirectable(ErrInvalidRequest, ReasonPKCE, "code_challenge required (PKCE with S256).")},
	{"password_grant", false, fail(ErrUnsupportedGrantType, ReasonBadParameter, "Unsupported grant type.")},
	{"implicit_grant", false, redirectable(ErrUnsupportedResponseType, ReasonResponseType,
		"Only response_type=code is supported.")},
	{"hs256_id_token", false, nil},
}

// harmlessQuirks are the quirks every client may use unless refused.
var harmlessQuirks = func() Quirks {
	var q Quirks
	for i, info := range quirkInfos {
		if info.harmless {
			q |= 1 << i
		}
	}
	return q
}()

// allQuirks is every quirk.
const allQuirks = quirkEnd - 1

// each calls fn for every quirk in the set, in the constants' order.
func (q Quirks) each(fn func(one Quirks, info quirkInfo)) {
	for rest := q & allQuirks; rest != 0; rest &= rest - 1 {
		i := bits.TrailingZeros32(uint32(rest))
		fn(1<<i, quirkInfos[i])
	}
}

// Names lists the set's quirk names.
func (q Quirks) Names() []string {
	out := []string{}
	q.each(func(_ Quirks, info quirkInfo) { out = append(out, info.name) })
	return out
}

// String is the space-separated names, as logs and messages show a set.
func (q Quirks) String() string { return strings.Join(q.Names(), " ") }

// QuirkNames lists every quirk's name, in the documented order.
func QuirkNames() []string { return allQuirks.Names() }

// ParseQuirks reads quirk names; "all" is every quirk. An unknown name is invalid input.
func ParseQuirks(names []string) (Quirks, error) {
	var q Quirks
	for _, n := range names {
		if n == "all" {
			q |= allQuirks
			continue
		}
		i := slices.IndexFunc(quirkInfos, func(info quirkInfo) bool { return info.name == n })
		if i < 0 {
			return 0, invalid("unknown quirk %q (known: all, %s)", n, strings.Join(QuirkNames(), ", "))
		}
		q |= 1 << i
	}
	return q, nil
}

// storedQuirks reads the refused quirk names a client was stored with; a name this build does
// not know is skipped.
func storedQuirks(names []string) Quirks {
	var q Quirks
	for _, n := range names {
		if one, err := ParseQuirks([]string{n}); err == nil && n != "all" {
			q |= one
		}
	}
	return q
}

// RefusedQuirks is what an operator refused the client.
func RefusedQuirks(c *models.Client) Quirks { return storedQuirks(c.RefusedQuirks) }

// AllowedQuirks is what the client may use: every harmless quirk, what its profile gives it,
// and what its own settings turn on (the per-client switches that predate profiles, which a
// profile presets), less what was refused.
func AllowedQuirks(c *models.Client) Quirks {
	q := harmlessQuirks | profileOf(c).only()
	if c.AllowPlainPKCE {
		q |= QuirkPlainPKCE
	}
	if Public(c) && c.PKCE == "optional" {
		q |= QuirkNoPKCE
	}
	if c.IDTokenAlg == AlgHS256 {
		q |= QuirkHS256IDToken
	}
	if allows(c, GrantPassword) {
		q |= QuirkPasswordGrant
	}
	if allows(c, GrantImplicit) {
		q |= QuirkImplicitGrant
	}
	return q &^ RefusedQuirks(c)
}

// LegacyQuirks is what AllowedQuirks gives the client beyond the harmless quirks: the
// behaviours weaker than RFC 9700 it may use.
func LegacyQuirks(c *models.Client) Quirks { return AllowedQuirks(c) &^ harmlessQuirks }

// refusal is the answer to the first quirk of used that allowed lacks, or nil.
func refusal(used, allowed Quirks) *Error {
	var e *Error
	(used &^ allowed).each(func(_ Quirks, info quirkInfo) {
		if e == nil {
			e = info.refusal
		}
	})
	return e
}
