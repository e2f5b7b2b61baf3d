package frappe

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/core"
)

// oauthError is the shape Frappe gives authorize, approve and resource errors (its
// generate_json_error_response): "description" where RFC 6749 says "error_description".
type oauthError struct {
	Description string `json:"description"`
	StatusCode  int    `json:"status_code"`
	Error       string `json:"error"`
}

// rfcError is the RFC 6749 §5.2 body the token and introspection endpoints answer with.
type rfcError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// invalidRequest is a request the adapter could not even read into a core call.
func invalidRequest(description string) *core.Error {
	return &core.Error{Code: core.ErrInvalidRequest, Reason: core.ReasonBadParameter, Description: description}
}

// renderOAuth answers a core error in Frappe's shape, or as an HTML page for a browser, which
// would otherwise show raw JSON to a person in the middle of a login.
func renderOAuth(c *fiber.Ctx, e *core.Error) error {
	return renderOAuthStatus(c, e.Status(), e)
}

func renderOAuthStatus(c *fiber.Ctx, status int, e *core.Error) error {
	if web.WantsHTML(c) {
		return web.RenderError(c, status, web.ErrorPage{Title: http.StatusText(status), Message: e.Description})
	}
	return Failure(c, status, e)
}

// Failure answers e with status in Frappe's oauthError shape: the resource errors clients of
// Frappe know, which the built-in proxy and /oauth2/verify answer with too.
func Failure(c *fiber.Ctx, status int, e *core.Error) error {
	return c.Status(status).JSON(oauthError{Description: e.Description, StatusCode: status, Error: e.Code})
}

// renderRFC answers a token-endpoint style error. A failed client authentication is 401 with
// a Basic challenge (RFC 6749 §5.2), where Frappe forced 400 (its issue #41538).
func renderRFC(c *fiber.Ctx, e *core.Error) error {
	noStore(c)
	if e.Code == core.ErrInvalidClient {
		c.Set(fiber.HeaderWWWAuthenticate, adapters.BasicChallenge)
	}
	return c.Status(e.Status()).JSON(rfcError{Error: e.Code, Description: e.Description})
}

// renderBearer answers a resource request whose token was refused, with the RFC 6750 §3
// challenge naming the error (none for an outage, which is no fault of the token).
func renderBearer(c *fiber.Ctx, e *core.Error) error {
	adapters.Refuse(c, e, nil, "")
	return Failure(c, e.Status(), e)
}

// message answers in Frappe's plain {"message": ...} envelope. It serves every bearer check of
// get_logged_user, so a message that needs no escaping (an email address, usually) is written
// as it is, without encoding/json; the bytes are the same.
func message(c *fiber.Ctx, status int, msg string) error {
	if !plainJSON(msg) {
		return c.Status(status).JSON(fiber.Map{"message": msg})
	}
	r := c.Status(status).Response()
	r.Header.SetContentType(fiber.MIMEApplicationJSON)
	r.ResetBody()
	r.AppendBodyString(`{"message":"`)
	r.AppendBodyString(msg)
	r.AppendBodyString(`"}`)
	return nil
}

// plainJSON reports whether s goes into a JSON string unchanged by encoding/json: printable
// ASCII without the quote, the backslash and the characters it escapes for HTML.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// messageError answers a core error in the {"message": ...} envelope of the login and revoke
// endpoints, with the RFC 6749 error code beside it so that clients can tell an outage (503,
// temporarily_unavailable) from a refusal.
func messageError(c *fiber.Ctx, e *core.Error) error {
	return c.Status(e.Status()).JSON(fiber.Map{"message": e.Description, "error": e.Code})
}

// noStore keeps responses that carry or describe credentials out of every cache.
func noStore(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderPragma, "no-cache")
}

// methodNotAllowed answers a wrong HTTP method on an endpoint with Frappe's error shape.
func methodNotAllowed(c *fiber.Ctx) error {
	return renderOAuthStatus(c, fiber.StatusMethodNotAllowed,
		invalidRequest("Unsupported request method "+c.Method()+"."))
}
