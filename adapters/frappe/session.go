package frappe

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

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
	if !web.SameHost(c) { // this endpoint takes forms too, so another site could post one
		return message(c, fiber.StatusForbidden, "Cross-site login refused.")
	}
	user, sid, err := h.eng.Login(c.UserContext(), usr, pwd)
	if err != nil {
		e := core.AsError(err)
		if e.Unavailable() {
			return messageError(c, e)
		}
		return message(c, fiber.StatusUnauthorized, e.Description)
	}
	web.SetSession(c, sid, user, h.opt.Cookies)
	noStore(c)
	return c.JSON(fiber.Map{"message": "Logged In", "home_page": "/app", "full_name": user.FullName})
}

// loginCredentials reads usr and pwd. JSON is recognised by the same Content-Type test as the
// login rate limiter's, so that both always read the same account name.
func loginCredentials(c *fiber.Ctx) (usr, pwd string, err *core.Error) {
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
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
// an empty object.
func (h *handler) logout(c *fiber.Ctx) error {
	if err := h.eng.Logout(c.UserContext(), web.SessionID(c)); err != nil {
		return messageError(c, core.AsError(err))
	}
	web.ClearSession(c)
	return c.JSON(fiber.Map{})
}
