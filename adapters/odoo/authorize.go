package odoo

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/web"
	"oauthd/core"
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
// to redirect_uri with the code or the error. core.AuthorizeFlow decides which.
func (h *handler) authorize(c *fiber.Ctx) error {
	p, f := readParams(c)
	if f != nil {
		return fail(c, f)
	}
	api := p.headerStyle || asksForData(c)
	s, err := web.CurrentSession(c, h.eng)
	if err != nil {
		return fail(c, unavailable(core.AsError(err)))
	}
	req := p.authorizeRequest()
	req.Issuer, req.AccessTTL = web.Issuer(c, h.opt.Issuer), h.opt.AccessTTL
	o := h.eng.AuthorizeFlow(c.UserContext(), req, s)
	switch {
	case o.Kind == core.OutcomeLogin && api:
		return fail(c, errLoginRequired)
	case o.Kind == core.OutcomeLogin:
		return c.Redirect(loginPath+"?"+loginParam+"="+url.QueryEscape(loginReturn(c, req)), fiber.StatusFound)
	case o.Kind == core.OutcomeConsent && api:
		return fail(c, errConsentRequired)
	case o.Kind == core.OutcomeConsent:
		return web.ShowConsent(c, o.Authorization, s, approvePath)
	case o.Kind == core.OutcomeCode && api:
		return render(c, fiber.StatusOK, responseBody(o.Authorization, map[string]any{"code": o.Code}))
	case o.Kind == core.OutcomeToken && api:
		return render(c, fiber.StatusOK, responseBody(o.Authorization, map[string]any{"access_token": o.Token.AccessToken,
			"token_type": "Bearer", "expires_in": o.Token.ExpiresIn, "scope": o.Token.Scope}))
	}
	return renderOutcome(c, o, api)
}

// responseBody is the data caller's authorization response: the module's {code, state} (or an
// implicit grant's token and state), and the issuer as one more field, as RFC 9207 adds it to
// a redirect (clients of the module read the fields they know and ignore it).
func responseBody(a *core.Authorization, body map[string]any) map[string]any {
	body["state"] = a.State
	if iss := a.Request.Issuer; iss != "" {
		body["iss"] = iss
	}
	return body
}

// loginReturn is where the login page sends the browser back: this request, without the
// prompt=login or max_age that the login satisfies.
func loginReturn(c *fiber.Ctx, req core.AuthorizeRequest) string {
	if req.Prompt == "" && req.MaxAge == "" {
		return c.OriginalURL()
	}
	q, _ := url.ParseQuery(string(c.Context().URI().QueryString()))
	return c.Path() + "?" + core.AfterLogin(q).Encode()
}

// approve is the consent form's target; core.Decide checks the session, then the CSRF token,
// validates the carried request again and applies the user's decision.
func (h *handler) approve(c *fiber.Ctx) error {
	p, f := readParams(c)
	if f != nil {
		return fail(c, f)
	}
	req := p.authorizeRequest()
	req.Issuer, req.AccessTTL = web.Issuer(c, h.opt.Issuer), h.opt.AccessTTL
	d, err := web.Decision(c, h.eng, req)
	if err != nil {
		return fail(c, unavailable(core.AsError(err)))
	}
	return renderOutcome(c, h.eng.Decide(c.UserContext(), d), false)
}

// renderOutcome answers a code or a failed authorization. Errors about the client or
// redirect_uri never redirect (the URI is unverified); later ones go to the verified
// redirect_uri for a browser, or into the body for a data caller.
func renderOutcome(c *fiber.Ctx, o core.Outcome, api bool) error {
	if o.Kind == core.OutcomeCode || o.Kind == core.OutcomeToken {
		return c.Redirect(o.Redirect, fiber.StatusFound)
	}
	e := o.Err
	switch {
	case e.Unavailable():
		return fail(c, unavailable(e))
	case e.Reason == core.ReasonLoginRequired:
		return fail(c, errLoginRequired)
	case e.Reason == core.ReasonCSRF:
		return fail(c, errBadCSRF)
	case e.Reason == core.ReasonRedirectMismatch:
		return fail(c, errRedirectMismatch)
	case e.Reason == core.ReasonClientDocument: // the module's answer, and why
		return fail(c, moduleFailure(errInvalidClient.status, errInvalidClient.message, e))
	case e.Reason == core.ReasonRoleNotAllowed: // the module's words for a user it does not serve
		return fail(c, moduleFailure(fiber.StatusUnauthorized, "Invalid User.", e))
	case e.Reason == core.ReasonQuirkRefused:
		return fail(c, moduleFailure(e.Status(), e.Description, e))
	case o.Redirect == "":
		return fail(c, errInvalidClient)
	case api:
		return fail(c, moduleFailure(fiber.StatusBadRequest, e.Description, e))
	}
	return c.Redirect(o.Redirect, fiber.StatusFound)
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
