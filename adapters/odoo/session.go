package odoo

import (
	"encoding/json"
	"mime"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/web"
)

// rpcRequest is the JSON-RPC body Odoo clients post to /web/session/authenticate. The db is
// read and ignored: oauthd serves one database.
type rpcRequest struct {
	ID     json.RawMessage `json:"id"`
	Params struct {
		DB       string `json:"db"`
		Login    string `json:"login"`
		Password string `json:"password"`
	} `json:"params"`
}

// rpcResponse is a JSON-RPC 2.0 answer; exactly one of Result and Error is set.
type rpcResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

type rpcError struct {
	Code    int            `json:"code"`
	Message string         `json:"message"`
	Data    map[string]any `json:"data"`
}

// authenticate is Odoo's JSON-RPC login. Success opens the shared session (both cookies), so
// the whole server, either dialect, accepts it. Failures carry a JSON-RPC error object and no
// cookie; unlike Odoo they are not HTTP 200, because the login rate limit counts only
// failed (>= 400) answers.
func (h *handler) authenticate(c *fiber.Ctx) error {
	var req rpcRequest
	mediaType, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mediaType != fiber.MIMEApplicationJSON {
		return rpcFail(c, fiber.StatusBadRequest, nil, &rpcError{Code: -32600, Message: "Invalid Request",
			Data: rpcData("werkzeug.exceptions.BadRequest", "Send a JSON-RPC body with Content-Type: application/json.")})
	}
	if err := json.Unmarshal(c.Request().Body(), &req); err != nil {
		return rpcFail(c, fiber.StatusBadRequest, nil, &rpcError{Code: -32700, Message: "Parse error",
			Data: rpcData("werkzeug.exceptions.BadRequest", "The body is not a JSON-RPC request.")})
	}
	if web.CrossSite(c) {
		return rpcFail(c, fiber.StatusForbidden, req.ID, &rpcError{Code: fiber.StatusForbidden, Message: "Forbidden",
			Data: rpcData("werkzeug.exceptions.Forbidden", "Cross-site login refused.")})
	}
	user, sid, err := h.eng.Login(c.UserContext(), web.LoginAttempt(c, req.Params.Login, req.Params.Password))
	if err != nil {
		return rpcLoginFailed(c, req.ID, err)
	}
	web.SetSession(c, sid, user, h.opt.Cookies)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(rpcResponse{JSONRPC: "2.0", ID: req.ID,
		Result: map[string]any{"uid": user.ID, "username": user.Email, "name": user.FullName}})
}

// rpcLoginFailed renders a refused login in Odoo's JSON-RPC shape: a wrong password is
// AccessDenied (clients look for data.name), the login limits and an overloaded or failing
// server are werkzeug's TooManyRequests and ServiceUnavailable.
func rpcLoginFailed(c *fiber.Ctx, id json.RawMessage, err error) error {
	status, msg := web.LoginRefusal(c, err)
	switch status {
	case fiber.StatusTooManyRequests:
		return rpcFail(c, status, id, &rpcError{Code: status, Message: "Too Many Requests",
			Data: rpcData("werkzeug.exceptions.TooManyRequests", msg)})
	case fiber.StatusServiceUnavailable:
		return rpcFail(c, status, id, &rpcError{Code: status, Message: "Service Unavailable",
			Data: rpcData("werkzeug.exceptions.ServiceUnavailable", msg)})
	}
	return rpcFail(c, fiber.StatusUnauthorized, id, &rpcError{Code: 200, Message: "Odoo Server Error",
		Data: rpcData("odoo.exceptions.AccessDenied", "Access Denied")})
}

func rpcData(name, message string) map[string]any {
	return map[string]any{"name": name, "message": message, "arguments": []string{message}}
}

func rpcFail(c *fiber.Ctx, status int, id json.RawMessage, e *rpcError) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(rpcResponse{JSONRPC: "2.0", ID: id, Error: e})
}
