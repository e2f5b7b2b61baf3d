// Package forwardauth answers the sub-requests of reverse proxies that ask the server whether
// a request may pass (nginx auth_request, Traefik forwardAuth, Caddy forward_auth, Envoy
// ext_authz): is its bearer token valid and good enough for this resource, and whose is it.
// It belongs to no dialect: a token of either dialect is checked the same way, and the
// answer is headers the proxy copies to the upstream. The built-in proxy (adapters/proxy)
// verifies with the same functions.
package forwardauth

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/compat"
	"oauthd/core"
)

// Path is the endpoint. Envoy's ext_authz appends the original path to it (path_prefix), so
// everything under it answers too.
const Path = "/oauth2/verify"

// Identity headers: set on a 200 for the proxy to copy, and by the built-in proxy on the
// forwarded request. Every incoming X-Auth-* header is dropped before forwarding, so a client
// cannot send its own.
const (
	HeaderUser    = "X-Auth-User"    // the user's login (email)
	HeaderSubject = "X-Auth-Subject" // the OpenID Connect sub
	HeaderClient  = "X-Auth-Client"  // the client_id the token was issued to
	HeaderScope   = "X-Auth-Scope"   // granted scopes, space-separated
	HeaderName    = "X-Auth-Name"    // the user's full name
	// HeaderAudience is the resource (RFC 8707) the token was issued for, "" for none.
	HeaderAudience = "X-Auth-Audience"
	HeaderPrefix   = "X-Auth-"
)

// Headers that carry the original request's URI to the verify endpoint.
const (
	headerOriginalURI  = "X-Original-URI"  // nginx, by convention in auth_request configs
	headerForwardedURI = "X-Forwarded-Uri" // Traefik, Caddy
)

// Register mounts the endpoint for every method: proxies send GET sub-requests, but some
// forward the original method.
func Register(r fiber.Router, d adapters.Deps) {
	h := &handler{eng: d.Engine}
	r.All(Path, h.configured)
	r.All(Path+"/*", h.appended)
}

type handler struct{ eng *core.Engine }

// configured serves nginx, Traefik and Caddy: the requirements are the verify URL's own query
// (scope=, client=, resource=), written once in the proxy's configuration, and the original
// URI comes in a header.
func (h *handler) configured(c *fiber.Ctx) error {
	uri := c.Get(headerOriginalURI)
	if uri == "" {
		uri = c.Get(headerForwardedURI)
	}
	return h.verify(c, ParseRequirements(c.Query("scope"), c.Query("client"), c.Query("resource")), uri)
}

// appended serves Envoy's ext_authz, which appends the original path and query to Path: the
// query is the client's, so it states no requirements.
func (h *handler) appended(c *fiber.Ctx) error {
	uri, _ := strings.CutPrefix(string(c.Request().RequestURI()), Path)
	return h.verify(c, core.Requirements{}, uri)
}

// verify answers 200 with the identity headers, or 401/403/503 with a challenge and a small
// JSON body; the token comes from the headers or the original URI's query. The challenge
// points at the metadata of the resource named, else at the issuer's own.
func (h *handler) verify(c *fiber.Ctx, need core.Requirements, originalURI string) error {
	token, used := RequestToken(c, originalURI)
	p, err := h.eng.AuthorizeBearer(c.UserContext(), token, used, need)
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err != nil {
		return Refuse(c, core.AsError(err), need, adapters.ResourceMetadataURL(need.Resource))
	}
	SetIdentity(p, func(k, v string) { c.Set(k, v) })
	return c.JSON(fiber.Map{"message": fiber.Map{"user": p.Email, "sub": p.Subject, "client_id": p.ClientID,
		"scope": core.JoinScope(p.Scopes)}})
}

// Token is the bearer token of a request: from `Authorization: Bearer` (scheme in any case),
// else, as Odoo clients send it, from the single access_token parameter of the request's URI,
// which is the quirk token_in_query. "" when there is none; core refuses it like any invalid
// token.
func Token(authorization, uri string) (string, core.Quirks) {
	if token, ok := compat.BearerToken(authorization); ok {
		return token, 0
	}
	_, rawQuery, found := strings.Cut(uri, "?")
	if !found {
		return "", 0
	}
	q, _ := url.ParseQuery(rawQuery) // unreadable pairs are dropped: they cannot be a token
	if v := q["access_token"]; len(v) == 1 {
		return v[0], core.QuirkTokenInQuery
	}
	return "", 0 // two tokens are ambiguous, as RFC 6750 §2 has it
}

// RequestToken is Token for c's Authorization header and uri. A header sent twice gives no
// token: a proxy in front may act on the other value.
func RequestToken(c *fiber.Ctx, uri string) (string, core.Quirks) {
	if len(c.Request().Header.PeekAll(fiber.HeaderAuthorization)) > 1 {
		return "", 0
	}
	return Token(c.Get(fiber.HeaderAuthorization), uri)
}

// ParseRequirements reads the scope (space- or comma-separated, all required), client and
// resource of a configuration into the core's requirements.
func ParseRequirements(scope, client, resource string) core.Requirements {
	return core.Requirements{Scopes: core.ParseScope(strings.ReplaceAll(scope, ",", " ")),
		ClientID: strings.TrimSpace(client), Resource: strings.TrimSpace(resource)}
}

// SetIdentity writes who p is as the identity headers, all six always, so that a proxy that
// copies them overwrites any a client sent, even where a value is empty.
func SetIdentity(p *core.Principal, set func(key, value string)) {
	set(HeaderUser, headerValue(p.Email))
	set(HeaderSubject, headerValue(p.Subject))
	set(HeaderClient, headerValue(p.ClientID))
	set(HeaderScope, headerValue(core.JoinScope(p.Scopes)))
	set(HeaderName, headerValue(p.FullName))
	set(HeaderAudience, headerValue(p.Resource))
}

// headerValue keeps a stored value from breaking the header block: control characters (a
// newline in a full name) become spaces. Other bytes, UTF-8 included, pass as they are.
func headerValue(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
