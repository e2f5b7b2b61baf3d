package odoo

import (
	"encoding/json"
	"mime"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/web"
	"oauthd/core"
)

// Paths of Odoo's two logouts.
const (
	destroyRoute = "/web/session/destroy"
	logoutRoute  = "/web/session/logout"
)

// destroy is Odoo's JSON-RPC /web/session/destroy: it ends the session and answers
// {"result": null}. Odoo declares it auth="user"; ending no session is not an error here, so a
// client that lost its cookie can still call it safely.
func (h *handler) destroy(c *fiber.Ctx) error {
	var req struct {
		ID json.RawMessage `json:"id"`
	}
	mediaType, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mediaType != fiber.MIMEApplicationJSON || json.Unmarshal(c.Body(), &req) != nil {
		return rpcFail(c, fiber.StatusBadRequest, nil, &rpcError{Code: -32600, Message: "Invalid Request",
			Data: rpcData("werkzeug.exceptions.BadRequest", "Send a JSON-RPC body with Content-Type: application/json.")})
	}
	if web.CrossSite(c) {
		return rpcFail(c, fiber.StatusForbidden, req.ID, &rpcError{Code: fiber.StatusForbidden, Message: "Forbidden",
			Data: rpcData("werkzeug.exceptions.Forbidden", "Cross-site logout refused.")})
	}
	if err := h.eng.Logout(c.UserContext(), web.SessionID(c)); err != nil {
		return rpcFail(c, fiber.StatusServiceUnavailable, req.ID, &rpcError{Code: fiber.StatusServiceUnavailable,
			Message: "Service Unavailable", Data: rpcData("werkzeug.exceptions.ServiceUnavailable",
				core.AsError(err).Description)})
	}
	web.ClearSession(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(rpcResponse{JSONRPC: "2.0", ID: req.ID, Result: json.RawMessage("null")})
}

// logout is Odoo's browser /web/session/logout: it ends the session and answers 303 to the
// same-site page in ?redirect (Odoo's default /web; here the login page, oauthd has no /web).
func (h *handler) logout(c *fiber.Ctx) error {
	if web.CrossSite(c) {
		return web.RenderError(c, fiber.StatusForbidden, web.ErrorPage{Title: "Forbidden", Message: "Cross-site logout refused."})
	}
	if err := h.eng.Logout(c.UserContext(), web.SessionID(c)); err != nil {
		return web.RenderError(c, fiber.StatusServiceUnavailable, web.ErrorPage{Title: "Service Unavailable",
			Message: core.AsError(err).Description})
	}
	web.ClearSession(c)
	return c.Redirect(web.LocalPath(c.Query("redirect", loginPath)), fiber.StatusSeeOther)
}
