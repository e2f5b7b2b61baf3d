package standard

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/core"
)

// endSession is RP-initiated logout: it ends the browser's session and returns to the
// client's registered post_logout_redirect_uri (with state), or shows a signed-out page. When
// core asks for the user's confirmation first, it shows the confirmation page, whose form
// posts the same request back here. That answer is refused (403, session kept) when a browser
// says another site sent it, as on the login and logout paths; the request that asks may come
// from anywhere, since relying parties send browsers here from their own sites.
func (h *handler) endSession(c *fiber.Ctx) error {
	get := c.Query
	if c.Method() == fiber.MethodPost {
		get = func(k string, _ ...string) string { return c.FormValue(k) }
	}
	req := core.EndSessionRequest{SessionID: web.SessionID(c), IDTokenHint: get("id_token_hint"),
		ClientID: get("client_id"), PostLogoutRedirectURI: get("post_logout_redirect_uri"), State: get("state"),
		Issuer: web.Issuer(c, h.opt.Issuer), Decision: get("decision"), CSRFToken: get(web.CSRFField)}
	if req.Decision != "" && web.CrossSite(c) {
		return web.RenderError(c, fiber.StatusForbidden, web.ErrorPage{Title: http.StatusText(fiber.StatusForbidden),
			Message: "Answer on this site's own sign-out page."})
	}
	out, err := h.eng.EndSession(c.UserContext(), req)
	switch {
	case err != nil:
		e := core.AsError(err)
		if web.WantsHTML(c) {
			return web.RenderError(c, e.Status(), web.ErrorPage{Title: http.StatusText(e.Status()), Message: e.Description})
		}
		return jsonError(c, e)
	case out.Confirm != "":
		return web.RenderLogout(c, web.LogoutPage{Action: adapters.EndSessionPath, UserEmail: out.UserEmail, RedirectURI: out.Target,
			Hidden: logoutFields(req, out)})
	case out.Kept:
		return web.RenderError(c, fiber.StatusOK, web.ErrorPage{Title: "Still signed in",
			Message: "You are still signed in."})
	}
	web.ClearSession(c)
	if out.Target != "" {
		return c.Redirect(out.Target, fiber.StatusFound)
	}
	return web.RenderError(c, fiber.StatusOK, web.ErrorPage{Title: "Signed out", Message: "You have been signed out."})
}

// logoutFields carries the logout request, with the client it names, and the CSRF token
// through the confirmation form.
func logoutFields(req core.EndSessionRequest, out core.EndSessionOutcome) []web.Field {
	fields := []web.Field{{Name: web.CSRFField, Value: out.Confirm}}
	for _, f := range []web.Field{{Name: "client_id", Value: out.ClientID},
		{Name: "post_logout_redirect_uri", Value: req.PostLogoutRedirectURI}, {Name: "state", Value: req.State}} {
		if f.Value != "" {
			fields = append(fields, f)
		}
	}
	return fields
}
