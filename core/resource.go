package core

import (
	"net/url"
	"slices"
	"strings"
)

// ErrInvalidTarget is RFC 8707's error for a resource the server does not serve.
const ErrInvalidTarget = "invalid_target"

// invalidTarget is a fresh error each time: Authorize marks its copy Redirectable.
func invalidTarget() *Error {
	return fail(ErrInvalidTarget, ReasonBadParameter, "The requested resource is not served by this authorization server.")
}

// ProtectedResource is an API that takes this server's tokens: an oauth.resources entry, or a
// [[proxy]] table that the server guards itself.
type ProtectedResource struct {
	// URL is the resource identifier (RFC 8707) as configured; "" for a proxy that names none,
	// whose identifier is then the issuer followed by Prefix.
	URL    string
	Prefix string   // a proxy's path on this server; "" for an oauth.resources entry
	Scopes []string // what each request to it needs (a proxy's scope)
}

// Identifier is the resource's identifier when the server is reached as issuer.
func (r ProtectedResource) Identifier(issuer string) string {
	if r.URL != "" {
		return r.URL
	}
	return strings.TrimRight(issuer, "/") + r.Prefix
}

// checkResource validates an RFC 8707 resource indicator ("" is none): an absolute URI without
// a fragment that names one of the served resources (see served). It returns the indicator as
// recorded on the grant.
func (e *Engine) checkResource(resource, issuer string) (string, *Error) {
	if resource == "" {
		return "", nil
	}
	u, err := url.Parse(resource)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" || strings.Contains(resource, "#") {
		return "", fail(ErrInvalidTarget, ReasonBadParameter, "resource must be an absolute URI without a fragment.")
	}
	if !slices.ContainsFunc(e.served(), func(r ProtectedResource) bool { return sameResource(r.Identifier(issuer), resource) }) {
		return "", invalidTarget()
	}
	return strings.TrimRight(resource, "/"), nil
}

// sameResource compares two resource indicators, ignoring a trailing slash: MCP clients send
// the server's URL both with and without one.
func sameResource(a, b string) bool {
	return a != "" && strings.TrimRight(a, "/") == strings.TrimRight(b, "/")
}

// served lists the resources a token may be asked for: the [[proxy]] tables (first: they know
// their scopes), then oauth.resources, or the issuer itself when that list is empty.
func (e *Engine) served() []ProtectedResource {
	out := slices.Clone(e.opt.OIDC.Proxies)
	for _, r := range e.opt.OIDC.Resources {
		out = append(out, ProtectedResource{URL: r})
	}
	if len(e.opt.OIDC.Resources) == 0 {
		out = append(out, ProtectedResource{}) // the issuer: no URL, no prefix
	}
	return out
}

// ResourceAt finds the resource whose RFC 9728 metadata lives at path below
// /.well-known/oauth-protected-resource: the one whose identifier has that path, on the
// issuer's host when several have it. The issuer's own document (the empty path) is not
// one of these.
func (e *Engine) ResourceAt(issuer, path string) (ProtectedResource, bool) {
	path = strings.TrimRight(path, "/")
	if path == "" {
		return ProtectedResource{}, false
	}
	host := ""
	if u, err := url.Parse(issuer); err == nil {
		host = u.Host
	}
	var found []ProtectedResource
	for _, r := range e.served() {
		u, err := url.Parse(r.Identifier(issuer))
		if err == nil && strings.TrimRight(u.EscapedPath(), "/") == path {
			if u.Host == host {
				return r, true
			}
			found = append(found, r)
		}
	}
	if len(found) == 0 {
		return ProtectedResource{}, false
	}
	return found[0], true
}
