package frappe

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/web"
	"oauthd/core"
)

// authorize is Frappe's authorize (GET, or POST with a form) under prefix. A guest goes to the
// login page and comes back; then the request is validated, and the user is asked for consent
// unless core says there is no need, in which case the code is issued at once.
func (h *handler) authorize(prefix string) fiber.Handler {
	self, approve := prefix+"authorize", prefix+"approve"
	return func(c *fiber.Ctx) error {
		p, perr := requestParams(c)
		if perr != nil {
			return renderOAuth(c, perr)
		}
		user, sid, err := web.CurrentUser(c, h.eng)
		if err != nil {
			return renderOAuth(c, core.AsError(err))
		}
		if user == nil {
			return c.Redirect(loginRedirect(c, self, p), fiber.StatusFound)
		}
		req := web.AuthorizeRequest(func(k string) string { return p[k] })
		a, err := h.eng.Authorize(c.UserContext(), req)
		if err != nil {
			return authorizeFailed(c, a, err)
		}
		need, err := h.eng.NeedsConsent(c.UserContext(), a, user)
		if err != nil {
			return renderOAuth(c, core.AsError(err))
		}
		if need {
			return web.ShowConsent(c, a, req, user, sid, approve)
		}
		code, err := h.eng.Approve(c.UserContext(), a, user)
		if err != nil {
			return renderOAuth(c, core.AsError(err))
		}
		return c.Redirect(a.CodeRedirect(code), fiber.StatusFound)
	}
}

// approve receives the consent form: POST only, from the logged-in user whose session the
// form's CSRF token was made for. The request is validated again, since the form's fields are
// the browser's to change.
func (h *handler) approve(c *fiber.Ctx) error {
	p, perr := requestParams(c)
	if perr != nil {
		return renderOAuth(c, perr)
	}
	user, sid, err := web.CurrentUser(c, h.eng)
	switch {
	case err != nil:
		return renderOAuth(c, core.AsError(err))
	case user == nil:
		return renderOAuth(c, &core.Error{Code: core.ErrAccessDenied, Reason: core.ReasonAccessDenied,
			Description: "Login required."})
	case !web.CheckCSRF(c, sid):
		return renderOAuthStatus(c, fiber.StatusForbidden, invalidRequest("Invalid or missing CSRF token."))
	}
	a, err := h.eng.Authorize(c.UserContext(), web.AuthorizeRequest(func(k string) string { return p[k] }))
	if err != nil {
		return authorizeFailed(c, a, err)
	}
	target, err := web.Decide(c, h.eng, a, user)
	if err != nil {
		return renderOAuth(c, core.AsError(err))
	}
	return c.Redirect(target, fiber.StatusFound)
}

// authorizeFailed sends an error to the client's redirect URI only when core verified that URI
// first; an unknown client or an unregistered redirect URI is answered here (RFC 6749
// §4.1.2.1), never redirected.
func authorizeFailed(c *fiber.Ctx, a *core.Authorization, err error) error {
	e := core.AsError(err)
	if e.Redirectable && a != nil {
		return c.Redirect(a.ErrorRedirect(e), fiber.StatusFound)
	}
	return renderOAuth(c, e)
}

// loginRedirect is the login page, told to come back to this authorization request: a GET's
// own query, or a POST's parameters moved into the query. Spaces are %20, as Frappe writes
// them.
func loginRedirect(c *fiber.Ctx, self string, p map[string]string) string {
	query := string(c.Context().URI().QueryString())
	if c.Method() != fiber.MethodGet {
		v := url.Values{}
		for k, val := range p {
			v.Set(k, val)
		}
		query = v.Encode()
	}
	back := self + "?" + query
	return "/login?redirect-to=" + strings.ReplaceAll(url.QueryEscape(back), "+", "%20")
}

// loginContinues tells the login page where a login for target may finally lead.
func (h *handler) loginContinues(c *fiber.Ctx, target string) string {
	return web.VerifiedRedirect(c, h.eng, target, func(q url.Values) core.AuthorizeRequest {
		return web.AuthorizeRequest(q.Get)
	}, oauthPrefix+"authorize", legacyPrefix+"authorize")
}
