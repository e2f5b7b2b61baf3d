package web

import (
	"net/url"
	"slices"

	"github.com/gofiber/fiber/v2"

	"oauthd/core"
)

// LoginForm describes one dialect's browser login page.
type LoginForm struct {
	Path          string // where the page lives and posts to, e.g. "/login"
	RedirectParam string // the parameter carrying the page to return to, e.g. "redirect-to"
	UserField     string // form field names, e.g. "usr" and "pwd"
	PassField     string
	Product       string
	Cookies       CookieOptions
	// Continues, when set, returns the absolute URI that a login for target (a same-site path)
	// may finally be redirected to, such as the verified redirect URI of the authorization
	// request the login is for. Browsers apply the login page's CSP form-action to every
	// redirect that follows the post, so without its origin a client that skips consent never
	// receives its code. "" adds nothing.
	Continues func(c *fiber.Ctx, target string) string
}

// Show renders the login page (GET).
func (f LoginForm) Show(c *fiber.Ctx) error {
	return RenderLogin(c, fiber.StatusOK, f.page(c, LoginTarget(c, c.Query(f.RedirectParam, "/")), "", ""))
}

// Submit checks the posted credentials, opens a session and redirects to the same-site page
// the login was for; on failure it shows the form again with 401.
func (f LoginForm) Submit(eng *core.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		target := LoginTarget(c, c.FormValue(f.RedirectParam, c.Query(f.RedirectParam, "/")))
		email := c.FormValue(f.UserField)
		if CrossSite(c) {
			return RenderLogin(c, fiber.StatusForbidden, f.page(c, target, email, "Sign in from this site's own login page."))
		}
		user, sid, err := eng.Login(c.UserContext(), LoginAttempt(c, email, c.FormValue(f.PassField)))
		if err != nil {
			status, msg := LoginRefusal(c, err)
			if status == fiber.StatusUnauthorized {
				msg = "Invalid login credentials"
			}
			return RenderLogin(c, status, f.page(c, target, email, msg))
		}
		SetSession(c, sid, user, f.Cookies)
		return c.Redirect(target, fiber.StatusFound)
	}
}

func (f LoginForm) page(c *fiber.Ctx, target, email, msg string) LoginPage {
	if email == "" {
		email = loginHint(target)
	}
	p := LoginPage{Action: f.Path, Hidden: []Field{{Name: f.RedirectParam, Value: target}}, Email: email,
		Error: msg, Product: f.Product, UserName: f.UserField, PassName: f.PassField}
	if f.Continues != nil {
		p.RedirectURI = f.Continues(c, target)
	}
	return p
}

// VerifiedRedirect is a LoginForm.Continues for a dialect: when target's path is one of the
// dialect's authorize paths, it returns the redirect URI the core verifies for the request in
// target's query (read turns the query into that request), else "". Browsers hold the
// redirects after the login post to the page's CSP form-action, so without that origin a
// client that needs no consent would never receive its code.
func VerifiedRedirect(c *fiber.Ctx, eng *core.Engine, target string, read func(url.Values) core.AuthorizeRequest,
	paths ...string) string {
	u, err := url.Parse(target)
	if err != nil || !slices.Contains(paths, u.Path) {
		return ""
	}
	a, _ := eng.Authorize(c.UserContext(), read(u.Query()))
	if a == nil {
		return ""
	}
	return a.RedirectURI
}

// loginHint is the OpenID Connect login_hint of the authorization request a login is for, to
// prefill the form with ("" when there is none).
func loginHint(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return ""
	}
	return u.Query().Get("login_hint")
}
