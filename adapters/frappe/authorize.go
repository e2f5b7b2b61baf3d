package frappe

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/web"
	"oauthd/core"
)

// authorize is Frappe's authorize (GET, or POST with a form) under prefix. core.AuthorizeFlow
// decides; this renders its outcome: the login page, the consent page, or a redirect.
func (h *handler) authorize(prefix string) fiber.Handler {
	self, approve := prefix+"authorize", prefix+"approve"
	return func(c *fiber.Ctx) error {
		p, perr := requestParams(c)
		if perr != nil {
			return renderOAuth(c, perr)
		}
		s, err := web.CurrentSession(c, h.eng)
		if err != nil {
			return renderOAuth(c, core.AsError(err))
		}
		o := h.eng.AuthorizeFlow(c.UserContext(), h.authorizeRequest(c, p), s)
		switch o.Kind {
		case core.OutcomeLogin:
			return c.Redirect(loginRedirect(c, self, p), fiber.StatusFound)
		case core.OutcomeConsent:
			return web.ShowConsent(c, o.Authorization, s, approve)
		}
		return renderOutcome(c, o)
	}
}

// approve receives the consent form (POST only); core.Decide checks the session, the CSRF
// token and the carried request again.
func (h *handler) approve(c *fiber.Ctx) error {
	p, perr := requestParams(c)
	if perr != nil {
		return renderOAuth(c, perr)
	}
	d, err := web.Decision(c, h.eng, h.authorizeRequest(c, p))
	if err != nil {
		return renderOAuth(c, core.AsError(err))
	}
	return renderOutcome(c, h.eng.Decide(c.UserContext(), d))
}

// authorizeRequest reads Frappe's authorization parameters; Frappe refuses scopes the client
// was not registered for (invalid_scope), as oauthlib does. The issuer is the request's
// default RFC 8707 resource.
func (h *handler) authorizeRequest(c *fiber.Ctx, p map[string]string) core.AuthorizeRequest {
	req := web.AuthorizeRequest(func(k string) string { return p[k] }, core.ScopeStrict)
	req.Issuer, req.AccessTTL = web.Issuer(c, h.opt.Issuer), h.opt.AccessTTL
	req.Quirks = web.SecretInURL(c)
	return req
}

// renderOutcome answers a code or a failure. An error goes to the client's redirect URI only
// when core verified that URI first; an unknown client or an unregistered redirect URI is
// answered here (RFC 6749 §4.1.2.1), never redirected.
func renderOutcome(c *fiber.Ctx, o core.Outcome) error {
	switch {
	case o.Redirect != "":
		return c.Redirect(o.Redirect, fiber.StatusFound)
	case o.Err.Reason == core.ReasonCSRF:
		return renderOAuthStatus(c, fiber.StatusForbidden, o.Err)
	}
	return renderOAuth(c, o.Err)
}

// loginRedirect is the login page, told to come back to this authorization request: a GET's
// own query, or a POST's parameters moved into the query. Spaces are %20, as Frappe writes
// them. A request with prompt or max_age comes back without what the login satisfies.
func loginRedirect(c *fiber.Ctx, self string, p map[string]string) string {
	query := string(c.Context().URI().QueryString())
	if c.Method() != fiber.MethodGet || p["prompt"] != "" || p["max_age"] != "" {
		v := url.Values{}
		for k, val := range p {
			v.Set(k, val)
		}
		query = core.AfterLogin(v).Encode()
	}
	back := self + "?" + query
	return "/login?redirect-to=" + strings.ReplaceAll(url.QueryEscape(back), "+", "%20")
}

// loginContinues tells the login page where a login for target may finally lead.
func (h *handler) loginContinues(c *fiber.Ctx, target string) string {
	return web.VerifiedRedirect(c, h.eng, target, func(q url.Values) core.AuthorizeRequest {
		return web.AuthorizeRequest(q.Get, core.ScopeStrict)
	}, oauthPrefix+"authorize", legacyPrefix+"authorize")
}
