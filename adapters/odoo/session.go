package odoo

import (
	"encoding/json"
	"mime"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/web"
	"oauthd/core"
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
	user, sid, err := h.eng.Login(c.UserContext(), req.Params.Login, req.Params.Password)
	if err != nil {
		if e := core.AsError(err); e.Unavailable() {
			return rpcFail(c, fiber.StatusServiceUnavailable, req.ID, &rpcError{Code: fiber.StatusServiceUnavailable,
				Message: "Service Unavailable", Data: rpcData("werkzeug.exceptions.ServiceUnavailable", e.Description)})
		}
		// Odoo's shape for a refused login: clients look for data.name AccessDenied.
		return rpcFail(c, fiber.StatusUnauthorized, req.ID, &rpcError{Code: 200, Message: "Odoo Server Error",
			Data: rpcData("odoo.exceptions.AccessDenied", "Access Denied")})
	}
	web.SetSession(c, sid, user, h.opt.Cookies)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(rpcResponse{JSONRPC: "2.0", ID: req.ID,
		Result: map[string]any{"uid": user.ID, "username": user.Email, "name": user.FullName}})
}

func rpcData(name, message string) map[string]any {
	return map[string]any{"name": name, "message": message, "arguments": []string{message}}
}

func rpcFail(c *fiber.Ctx, status int, id json.RawMessage, e *rpcError) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(rpcResponse{JSONRPC: "2.0", ID: id, Error: e})
}
