package standard

import (
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/core"
)

// signIn is the login page the signed-out landing page links to: Frappe's, which every
// deployment serves, returning here.
var signIn = "/login?" + url.Values{"redirect-to": {adapters.HomePath}}.Encode()

// home shows the landing page of the browser's session.
func (h *handler) home(c *fiber.Ctx) error {
	home, err := h.eng.Home(c.UserContext(), web.SessionID(c))
	if err != nil {
		return homeError(c, err)
	}
	if home.User == nil {
		return web.RenderHome(c, web.HomePage{SignIn: signIn})
	}
	p := web.HomePage{UserName: home.User.FullName, UserEmail: home.User.Email,
		SignOut: homeFields(core.HomeSignOut, "", home.SignOutToken)}
	for _, a := range home.Apps {
		p.Apps = append(p.Apps, web.HomeApp{Name: a.Name, SelfRegistered: a.SelfRegistered,
			Scopes: web.ScopeWords(a.Scopes), Revoke: homeFields(core.HomeRevoke, a.ClientID, a.RevokeToken)})
	}
	return web.RenderHome(c, p)
}

// homeSubmit runs a landing-page form (sign out, revoke an app) and returns to the page. A form
// another site sent is refused before its token is read, as logins and logouts are.
func (h *handler) homeSubmit(c *fiber.Ctx) error {
	if web.CrossSite(c) {
		return web.RenderError(c, fiber.StatusForbidden, web.ErrorPage{Title: "Forbidden",
			Message: "Use this site's own page."})
	}
	f := core.HomeForm{SessionID: web.SessionID(c), Action: c.FormValue("action"), ClientID: c.FormValue("client_id"),
		CSRFToken: c.FormValue(web.CSRFField)}
	if err := h.eng.SubmitHome(c.UserContext(), f); err != nil {
		return homeError(c, err)
	}
	if f.Action == core.HomeSignOut {
		web.ClearSession(c)
	}
	return c.Redirect(adapters.HomePath, fiber.StatusSeeOther)
}

// homeFields are a landing-page form's hidden fields.
func homeFields(action, clientID, token string) []web.Field {
	fields := []web.Field{{Name: web.CSRFField, Value: token}, {Name: "action", Value: action}}
	if clientID != "" {
		fields = append(fields, web.Field{Name: "client_id", Value: clientID})
	}
	return fields
}

func homeError(c *fiber.Ctx, err error) error {
	e := core.AsError(err)
	return web.RenderError(c, e.Status(), web.ErrorPage{Title: http.StatusText(e.Status()), Message: e.Description})
}
