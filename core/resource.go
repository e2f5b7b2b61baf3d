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

// checkResource validates an RFC 8707 resource indicator ("" is none): an absolute URI without
// a fragment that names one of the served resources (oauth.resources, or else the issuer).
// It returns the indicator as recorded on the grant.
func (e *Engine) checkResource(resource, issuer string) (string, *Error) {
	if resource == "" {
		return "", nil
	}
	u, err := url.Parse(resource)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" || strings.Contains(resource, "#") {
		return "", fail(ErrInvalidTarget, ReasonBadParameter, "resource must be an absolute URI without a fragment.")
	}
	served := e.opt.OIDC.Resources
	if len(served) == 0 {
		served = []string{issuer}
	}
	if !slices.ContainsFunc(served, func(s string) bool { return sameResource(s, resource) }) {
		return "", invalidTarget()
	}
	return strings.TrimRight(resource, "/"), nil
}

// sameResource compares two resource indicators, ignoring a trailing slash: MCP clients send
// the server's URL both with and without one.
func sameResource(a, b string) bool {
	return a != "" && strings.TrimRight(a, "/") == strings.TrimRight(b, "/")
}

// Resources lists the served resource indicators for the protected resource metadata.
func (e *Engine) Resources(issuer string) []string {
	if len(e.opt.OIDC.Resources) == 0 {
		return []string{issuer}
	}
	return e.opt.OIDC.Resources
}
