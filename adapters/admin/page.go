package admin

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/core"
	"oauthd/models"
)

//go:embed templates/page.html
var pageFiles embed.FS

var pageTemplate = template.Must(template.ParseFS(pageFiles, "templates/page.html"))

// page is what the admin page shows.
type page struct {
	SignedIn              bool
	CSRF, Query           string
	Error, Notice, Secret string
	Clients               []pageClient
	Users                 []models.User
	handle                string // the browser's sign-in handle, for pageDone's notice
}

// pageRoutes mounts the server-rendered page: no JavaScript, forms posting back here, every
// post checked for its origin and a CSRF token bound to the browser's sign-in.
func (h *handler) pageRoutes(app *fiber.App) {
	app.Get("/", h.showPage)
	app.Post("/signin", h.signIn)
	app.Post("/signout", h.pageAction(func(c *fiber.Ctx, p *page) error {
		if err := h.eng.CloseAdminSession(c.UserContext(), p.handle); err != nil {
			return h.failErr(c, err)
		}
		c.ClearCookie(adapters.CookieAdmin)
		return c.Redirect("/", fiber.StatusSeeOther)
	}))
	app.Post("/clients/create", h.pageAction(h.pageCreateClient))
	app.Post("/clients/revoke", h.pageAction(func(c *fiber.Ctx, p *page) error {
		n, err := h.eng.RevokeClientTokens(c.UserContext(), c.FormValue("id"))
		return h.pageDone(c, p, err, "Revoked "+strconv.FormatInt(n, 10)+" token(s) of "+c.FormValue("id")+".")
	}))
	app.Post("/users/disable", h.pageAction(func(c *fiber.Ctx, p *page) error {
		_, err := h.eng.DisableUser(c.UserContext(), c.FormValue("email"))
		return h.pageDone(c, p, err, "Disabled "+c.FormValue("email")+"; their tokens and sessions are revoked.")
	}))
}

// signedIn returns the browser's sign-in handle if it is live. The cookie holds a handle of its
// own rather than the admin token: a cookie reaches wherever the browser sends it (every port of
// the host name, a proxied API), and the handle there opens the page for AdminSessionTTL at
// most, until sign-out or the token's revocation, and never the API.
func (h *handler) signedIn(c *fiber.Ctx) (string, bool) {
	handle := c.Cookies(adapters.CookieAdmin)
	_, err := h.eng.AdminSession(c.UserContext(), handle)
	return handle, err == nil
}

// adminForms is the purpose the admin page's CSRF tokens are bound to: distinct from every
// other form's, so a consent form's token never passes here, nor this page's elsewhere.
const adminForms = "oauthd admin page csrf v1"

func (h *handler) showPage(c *fiber.Ctx) error {
	handle, ok := h.signedIn(c)
	p := &page{SignedIn: ok, Query: c.Query("q")}
	if ok {
		p.CSRF = core.FormToken(handle, adminForms)
		p.Notice = takeNotice(c, handle)
	}
	return h.renderPage(c, fiber.StatusOK, p)
}

func (h *handler) signIn(c *fiber.Ctx) error {
	if web.CrossSite(c) {
		return h.renderPage(c, fiber.StatusForbidden, &page{Error: "Cross-site sign-in refused."})
	}
	handle, err := h.eng.OpenAdminSession(c.UserContext(), strings.TrimSpace(c.FormValue("token")))
	switch {
	case errors.Is(err, core.ErrAdminAuth):
		return h.renderPage(c, fiber.StatusUnauthorized, &page{Error: "Invalid admin token."})
	case err != nil:
		return h.failErr(c, err)
	}
	c.Cookie(&fiber.Cookie{Name: adapters.CookieAdmin, Value: handle, Path: "/", HTTPOnly: true, SameSite: "Strict",
		Secure: c.Protocol() == "https", MaxAge: int(core.AdminSessionTTL.Seconds())})
	return c.Redirect("/", fiber.StatusSeeOther)
}

// pageAction runs a form post of a signed-in browser whose origin and CSRF token check out.
func (h *handler) pageAction(fn func(*fiber.Ctx, *page) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		handle, ok := h.signedIn(c)
		if !ok {
			return h.renderPage(c, fiber.StatusUnauthorized, &page{Error: "Sign in first."})
		}
		// The search the form was posted from comes back with the answer (see pageDone).
		p := &page{SignedIn: true, CSRF: core.FormToken(handle, adminForms), Query: c.FormValue("q"), handle: handle}
		if web.CrossSite(c) || !core.CheckFormToken(handle, []string{adminForms}, c.FormValue("csrf_token")) {
			p.Error = "The form expired or came from another site; nothing was changed."
			return h.renderPage(c, fiber.StatusForbidden, p)
		}
		return fn(c, p)
	}
}

func (h *handler) pageCreateClient(c *fiber.Ctx, p *page) error {
	nc := core.NewClient{Name: c.FormValue("name"), RedirectURIs: []string{c.FormValue("redirect_uri")}}
	if c.FormValue("auth_method") == core.AuthNone {
		nc.AuthMethods = []string{core.AuthNone}
	}
	cl, secret, err := h.eng.CreateClient(c.UserContext(), nc)
	if err == nil {
		p.Secret = secret
		err = h.pageResult(c, p, nil, "Created client "+cl.ID+".")
	} else {
		err = h.pageResult(c, p, err, "")
	}
	return err
}

// pageDone answers an action that shows no secret: on success the browser is sent back to
// the page it posted from, search included (post/redirect/get, so a reload repeats nothing),
// with the notice carried in a one-time cookie; a refusal is rendered at once, with the same
// search.
func (h *handler) pageDone(c *fiber.Ctx, p *page, err error, notice string) error {
	if err != nil {
		return h.pageResult(c, p, err, "")
	}
	giveNotice(c, p.handle, notice)
	target := "/"
	if p.Query != "" {
		target += "?" + url.Values{"q": {p.Query}}.Encode()
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// pageResult renders the page after an action with its outcome (a new client's secret is
// shown here, once, and never carried through a redirect).
func (h *handler) pageResult(c *fiber.Ctx, p *page, err error, notice string) error {
	status := fiber.StatusOK
	if err != nil {
		p.Error, p.Secret, status = core.Message(err), "", fiber.StatusBadRequest
	} else {
		p.Notice = notice
	}
	return h.renderPage(c, status, p)
}

func (h *handler) renderPage(c *fiber.Ctx, status int, p *page) error {
	if p.SignedIn {
		if err := h.fillLists(c, p); err != nil {
			return h.failErr(c, err)
		}
	}
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	n := base64.RawStdEncoding.EncodeToString(nonce)
	var buf bytes.Buffer
	if err := pageTemplate.ExecuteTemplate(&buf, "page.html", map[string]any{"Nonce": n, "Page": p}); err != nil {
		return err
	}
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'nonce-"+n+"'; form-action 'self'; "+
		"frame-ancestors 'none'; base-uri 'none'")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// pageClient is a client's row on the page: the client, its profile, and what its quirk
// ledger says it still relies on.
type pageClient struct {
	models.Client
	ProfileName string
	Quirks      []string // "name ×count" (", refused ×n" when some were)
}

// fillLists reads the clients and users the page shows, filtered by the search.
func (h *handler) fillLists(c *fiber.Ctx, p *page) error {
	q := strings.ToLower(strings.TrimSpace(p.Query))
	clients, err := h.eng.Clients(c.UserContext())
	if err != nil {
		return err
	}
	ledger, err := h.eng.QuirkLedger(c.UserContext(), "")
	if err != nil {
		return err
	}
	uses := map[string][]string{}
	for _, l := range ledger {
		line := fmt.Sprintf("%s ×%d", l.Quirk, l.Uses)
		if l.Refused > 0 {
			line += fmt.Sprintf(" (refused ×%d)", l.Refused)
		}
		uses[l.ClientID] = append(uses[l.ClientID], line)
	}
	for _, cl := range clients {
		if q == "" || strings.Contains(strings.ToLower(cl.Name+" "+cl.ID), q) {
			p.Clients = append(p.Clients, pageClient{Client: cl, ProfileName: core.ProfileOf(&cl), Quirks: uses[cl.ID]})
		}
	}
	users, err := h.eng.Users(c.UserContext(), core.UserQuery{Search: q, Limit: core.MaxUserPage})
	p.Users = users.Users
	return err
}
