package frappe

import (
	"encoding/json"
	"mime"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/core"
)

// login is Frappe's /api/method/login: usr and pwd from a form, a JSON body, or the query
// string (Frappe's own tests log in with a GET). It sets the sid cookie and answers like
// Frappe: missing or wrong credentials are 401, as Frappe's LoginManager answers them.
func (h *handler) login(c *fiber.Ctx) error {
	usr, pwd, perr := loginCredentials(c)
	if perr != nil {
		return message(c, fiber.StatusBadRequest, perr.Description)
	}
	if web.CrossSite(c) { // a form post or a GET navigation from another site
		return message(c, fiber.StatusForbidden, "Cross-site login refused.")
	}
	user, sid, err := h.eng.Login(c.UserContext(), web.LoginAttempt(c, usr, pwd))
	if err != nil {
		return loginFailed(c, err)
	}
	web.SetSession(c, sid, user, h.opt.Cookies)
	noStore(c)
	return c.JSON(fiber.Map{"message": "Logged In", "home_page": adapters.HomePath, "full_name": user.FullName})
}

// loginFailed answers a refused login: 401 with Frappe's message, or 429/503 with an error
// code beside the message so that clients can tell waiting from a wrong password.
func loginFailed(c *fiber.Ctx, err error) error {
	status, msg := web.LoginRefusal(c, err)
	switch status {
	case fiber.StatusTooManyRequests:
		return c.Status(status).JSON(fiber.Map{"message": msg, "error": "too_many_requests"})
	case fiber.StatusServiceUnavailable:
		return c.Status(status).JSON(fiber.Map{"message": msg, "error": core.ErrTemporarilyUnavailable})
	}
	return message(c, status, msg)
}

// loginCredentials reads usr and pwd from a JSON body (the media type in any case, as
// werkzeug reads it) or from the query and form. A JSON field that is not a string is refused.
func loginCredentials(c *fiber.Ctx) (usr, pwd string, err *core.Error) {
	if mediaType, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); mediaType == fiber.MIMEApplicationJSON {
		var body struct {
			Usr string `json:"usr"`
			Pwd string `json:"pwd"`
		}
		if json.Unmarshal(c.Body(), &body) != nil {
			return "", "", invalidRequest("The request body is not a JSON object with usr and pwd.")
		}
		return body.Usr, body.Pwd, nil
	}
	p, err := requestParams(c)
	if err != nil {
		return "", "", err
	}
	return p["usr"], p["pwd"], nil
}

// logout ends the session (GET or POST, as in Frappe) and clears its cookies. Frappe answers
// an empty object. Frappe clients call it same-site or without a browser; from another site
// it is refused.
func (h *handler) logout(c *fiber.Ctx) error {
	if web.CrossSite(c) { // another site must not end the user's session (logout CSRF)
		return message(c, fiber.StatusForbidden, "Cross-site logout refused.")
	}
	if err := h.eng.Logout(c.UserContext(), web.SessionID(c)); err != nil {
		return messageError(c, core.AsError(err))
	}
	web.ClearSession(c)
	return c.JSON(fiber.Map{})
}
