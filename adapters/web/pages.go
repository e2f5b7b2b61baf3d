package web

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"html/template"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

//go:embed templates/*.html
var files embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{"dict": dict}).ParseFS(files, "templates/*.html"))

// dict builds a map from alternating keys and values, for passing data to sub-templates.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	return m
}

// Field is a hidden form field carried through a page.
type Field struct{ Name, Value string }

// LoginPage is what the login form shows.
type LoginPage struct {
	Action   string  // where the form posts
	Hidden   []Field // e.g. the redirect target
	Email    string
	Error    string
	Product  string
	UserName string // form field names differ per dialect: usr/pwd or login/password
	PassName string
	// RedirectURI is where the redirects after a successful login may finally lead (see
	// LoginForm.Continues); its origin is allowed as a form-action target.
	RedirectURI string
}

// ConsentPage is what the "Confirm Access" page shows.
type ConsentPage struct {
	ClientName string
	// SelfRegistered clients named themselves: the page says so, and html/template escapes
	// the name like every value.
	SelfRegistered bool
	// DocumentHost is where a client known by its metadata document publishes it: the one
	// thing about it that was checked, shown beside its self-chosen name.
	DocumentHost string
	UserEmail    string
	Scopes       []string // already in words
	Action       string   // approve endpoint
	Hidden       []Field  // the authorization parameters and the CSRF token
	RedirectURI  string   // its origin is allowed as a form-action target
}

// LogoutPage asks a signed-in user whether to sign out, for a logout request that does not
// prove which client sent it (RP-initiated logout without id_token_hint).
type LogoutPage struct {
	Action      string  // end_session
	UserEmail   string  // who is signed in
	Hidden      []Field // the logout request and the CSRF token
	RedirectURI string  // where signing out leads; its origin is allowed as a form-action target
}

// HomePage is the landing page at /: signed out, a way to sign in; signed in, who, a way out,
// and the apps the user let in, each with a form that revokes it.
type HomePage struct {
	SignIn    string // signed out: the login page, returning here
	UserName  string // signed in: "" when signed out
	UserEmail string
	SignOut   []Field // the sign-out form's fields
	Apps      []HomeApp
}

// HomeApp is one app on the landing page.
type HomeApp struct {
	Name           string
	SelfRegistered bool     // it named itself (dynamic registration): the page says so
	Scopes         []string // in words; none when only tokens remain
	Revoke         []Field  // the revoke form's fields
}

// ErrorPage is an HTML error for a browser.
type ErrorPage struct {
	Title   string
	Message string
}

// RenderLogin writes the login page. Like the consent page's, its CSP lets the form post only
// to us, and the redirects that follow go only to us or to the RedirectURI origin.
func RenderLogin(c *fiber.Ctx, status int, p LoginPage) error {
	return render(c, status, "login.html", p, origin(p.RedirectURI))
}

// RenderConsent writes the consent page. Its CSP lets the form post only to us, and the
// approve redirect go only to the client's verified redirect URI origin.
func RenderConsent(c *fiber.Ctx, p ConsentPage) error {
	return render(c, fiber.StatusOK, "consent.html", p, origin(p.RedirectURI))
}

// RenderLogout writes the logout confirmation page, under the consent page's protections: a
// CSP letting the form post only to us and the redirect after it go only to the client's
// registered post-logout URI, and no framing.
func RenderLogout(c *fiber.Ctx, p LogoutPage) error {
	return render(c, fiber.StatusOK, "logout.html", p, origin(p.RedirectURI))
}

// RenderHome writes the landing page, under the consent page's protections: a CSP letting its
// forms post only to us, and no framing.
func RenderHome(c *fiber.Ctx, p HomePage) error {
	return render(c, fiber.StatusOK, "home.html", p, "")
}

// RenderError writes an HTML error page.
func RenderError(c *fiber.Ctx, status int, p ErrorPage) error {
	return render(c, status, "error.html", p, "")
}

type view struct {
	Nonce string
	Page  any
}

func render(c *fiber.Ctx, status int, name string, page any, formTarget string) error {
	nonce := newNonce()
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, view{Nonce: nonce, Page: page}); err != nil {
		return err
	}
	formAction := "'self'"
	if formTarget != "" {
		formAction += " " + formTarget
	}
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'nonce-"+nonce+"'; img-src 'self' data:; "+
		"form-action "+formAction+"; frame-ancestors 'none'; base-uri 'none'")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)
}

// origin returns scheme://host of an absolute URI, or "" (never a wildcard).
func origin(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme == "" || u.Host == "" || strings.ContainsAny(u.Host, " ;'") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// ScopeWords turns scope names into what a person reads on the consent page. Like Frappe,
// "openid" is spelt out as the profile fields it releases.
func ScopeWords(scopes []string) []string {
	var out []string
	for _, s := range scopes {
		switch s {
		case "openid":
			out = append(out, "Full Name", "Email", "User Image", "Roles")
		case "all":
			out = append(out, "All your data and actions")
		case "": // nothing to show
		default:
			// Upper-case the first letter, not the first byte: s[:1] of a name such as "élan"
			// would split its first character into invalid UTF-8.
			if r, n := utf8.DecodeRuneInString(s); r != utf8.RuneError {
				s = string(unicode.ToUpper(r)) + s[n:]
			}
			out = append(out, s)
		}
	}
	return out
}
