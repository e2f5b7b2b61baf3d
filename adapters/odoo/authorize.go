package odoo

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/web"
	"oauthd/core"
	"oauthd/models"
)

// The module's messages for the errors that must never redirect.
var (
	errLoginRequired    = &failure{status: fiber.StatusUnauthorized, message: "Authentication required"}
	errInvalidClient    = &failure{status: fiber.StatusUnauthorized, message: "Invalid Credentials."}
	errRedirectMismatch = &failure{status: fiber.StatusBadRequest, message: "redirect uri mismatch."}
	errConsentRequired  = &failure{status: fiber.StatusForbidden,
		message: "Consent required: approve this application once in a browser."}
	errBadCSRF = &failure{status: fiber.StatusForbidden, message: "Invalid or missing CSRF token."}
)

// authorize serves both styles. A documented header-style request, or one asking for JSON or
// XML, gets data: 200 {"code","state"}, or an error body. A browser (the module's and every
// redirect-based client's way) gets redirects: to the login page, the consent page, and back
// to redirect_uri with the code or the error.
func (h *handler) authorize(c *fiber.Ctx) error {
	p, f := readParams(c)
	if f != nil {
		return fail(c, f)
	}
	api := p.headerStyle || asksForData(c)
	user, sid, err := web.CurrentUser(c, h.eng)
	if err != nil {
		return fail(c, unavailable(core.AsError(err)))
	}
	if user == nil {
		if api {
			return fail(c, errLoginRequired)
		}
		return c.Redirect(loginPath+"?"+loginParam+"="+url.QueryEscape(c.OriginalURL()), fiber.StatusFound)
	}
	req := p.authorizeRequest()
	a, err := h.eng.Authorize(c.UserContext(), req)
	if err != nil {
		return authorizeError(c, a, err, api)
	}
	need, err := h.eng.NeedsConsent(c.UserContext(), a, user)
	if err != nil {
		return fail(c, unavailable(core.AsError(err)))
	}
	if need && api {
		return fail(c, errConsentRequired)
	}
	if need {
		return web.ShowConsent(c, a, req, user, sid, approvePath)
	}
	return h.issueCode(c, a, user, api)
}

// issueCode approves without asking (the core said no consent is needed) and hands the code
// over in the request's style.
func (h *handler) issueCode(c *fiber.Ctx, a *core.Authorization, user *models.User, api bool) error {
	code, err := h.eng.Approve(c.UserContext(), a, user)
	if err != nil {
		return authorizeError(c, a, err, api)
	}
	if api {
		return render(c, fiber.StatusOK, map[string]any{"code": code, "state": a.State})
	}
	return c.Redirect(a.CodeRedirect(code), fiber.StatusFound)
}

// approve is the consent form's target: it checks the session and the CSRF token, validates
// the carried request again through the core, and applies the user's decision.
func (h *handler) approve(c *fiber.Ctx) error {
	user, sid, err := web.CurrentUser(c, h.eng)
	switch {
	case err != nil:
		return fail(c, unavailable(core.AsError(err)))
	case user == nil:
		return fail(c, errLoginRequired)
	case !web.CheckCSRF(c, sid):
		return fail(c, errBadCSRF)
	}
	p, f := readParams(c)
	if f != nil {
		return fail(c, f)
	}
	a, err := h.eng.Authorize(c.UserContext(), p.authorizeRequest())
	if err != nil {
		return authorizeError(c, a, err, false)
	}
	target, err := web.Decide(c, h.eng, a, user)
	if err != nil {
		return authorizeError(c, a, err, false)
	}
	return c.Redirect(target, fiber.StatusFound)
}

// authorizeError answers a failed authorization. Errors about the client or redirect_uri
// never redirect (the URI is unverified); later ones go to the verified redirect_uri for a
// browser, or into the body for a data caller.
func authorizeError(c *fiber.Ctx, a *core.Authorization, err error, api bool) error {
	e := core.AsError(err)
	switch {
	case e.Reason == core.ReasonUnavailable:
		return fail(c, unavailable(e))
	case e.Reason == core.ReasonRedirectMismatch:
		return fail(c, errRedirectMismatch)
	case !e.Redirectable || a == nil:
		return fail(c, errInvalidClient)
	case api:
		return fail(c, moduleFailure(fiber.StatusBadRequest, e.Description, e))
	}
	return c.Redirect(a.ErrorRedirect(e), fiber.StatusFound)
}

// asksForData reports whether a query-style caller wants data rather than redirects: it asks
// for JSON or XML and is not a browser (browsers list text/html).
func asksForData(c *fiber.Ctx) bool {
	accept := strings.ToLower(c.Get(fiber.HeaderAccept))
	return !web.WantsHTML(c) && (strings.Contains(accept, "/json") || strings.Contains(accept, "/xml"))
}

// loginContinues tells the login page where a login for target may finally lead; the query is
// read like any Odoo request, with the module's extra redirect_uri decoding.
func (h *handler) loginContinues(c *fiber.Ctx, target string) string {
	return web.VerifiedRedirect(c, h.eng, target, func(q url.Values) core.AuthorizeRequest {
		p := &params{values: map[string]string{}}
		for name, values := range q {
			p.values[name] = values[0]
		}
		return p.authorizeRequest()
	}, oauth2Path+"/authorize")
}
