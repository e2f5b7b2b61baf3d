package standard

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/web"
	"oauthd/core"
)

// endSession is RP-initiated logout: it ends the browser's session and returns to the
// client's registered post_logout_redirect_uri (with state), or shows a signed-out page.
func (h *handler) endSession(c *fiber.Ctx) error {
	get := c.Query
	if c.Method() == fiber.MethodPost {
		get = func(k string, _ ...string) string { return c.FormValue(k) }
	}
	target, err := h.eng.EndSession(c.UserContext(), core.EndSessionRequest{SessionID: web.SessionID(c),
		IDTokenHint: get("id_token_hint"), ClientID: get("client_id"),
		PostLogoutRedirectURI: get("post_logout_redirect_uri"), State: get("state"),
		Issuer: web.Issuer(c, h.opt.Issuer)})
	if err != nil {
		e := core.AsError(err)
		if web.WantsHTML(c) {
			return web.RenderError(c, e.Status(), web.ErrorPage{Title: http.StatusText(e.Status()), Message: e.Description})
		}
		return jsonError(c, e)
	}
	web.ClearSession(c)
	if target != "" {
		return c.Redirect(target, fiber.StatusFound)
	}
	return web.RenderError(c, fiber.StatusOK, web.ErrorPage{Title: "Signed out", Message: "You have been signed out."})
}
