package web

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/adaptertest"
	"oauthd/core"
)

var styleNonce = regexp.MustCompile(`<style nonce="([^"]+)">`)

// rendered is what a page render left in the response.
type rendered struct {
	status int
	body   string
	header func(string) string
}

func renderWith(t *testing.T, fn func(c *fiber.Ctx) error) rendered {
	t.Helper()
	c := adaptertest.Ctx(t, fiber.MethodGet, "/", "")
	if err := fn(c); err != nil {
		t.Fatal(err)
	}
	r := c.Response()
	return rendered{status: r.StatusCode(), body: string(r.Body()),
		header: func(k string) string { return string(r.Header.Peek(k)) }}
}

const evil = `<script>alert(1)</script>`

func consentPage() ConsentPage {
	return ConsentPage{ClientName: evil, UserEmail: `u"@example.com`, Scopes: []string{evil, "Email"},
		Action: "/approve", RedirectURI: "https://client.example.com:8443/cb?x=1",
		Hidden: []Field{{Name: CSRFField, Value: "tok"}, {Name: "state", Value: `"><script>alert(2)</script>`}}}
}

func TestRenderConsentEscapesAndSecures(t *testing.T) {
	t.Parallel()
	r := renderWith(t, func(c *fiber.Ctx) error { return RenderConsent(c, consentPage()) })
	if r.status != fiber.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	if strings.Contains(r.body, "<script>") {
		t.Fatalf("unescaped script in page:\n%s", r.body)
	}
	for _, want := range []string{
		"<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>",
		`<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>`,
		`name="state" value="&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"`,
		`name="csrf_token" value="tok"`,
		`action="/approve"`,
		"Signed in as u&#34;@example.com",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	m := styleNonce.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no style nonce in page")
	}
	// The attribute is HTML-escaped ("+" as &#43;); browsers compare its decoded value.
	wantCSP := "default-src 'none'; style-src 'nonce-" + html.UnescapeString(m[1]) + "'; img-src 'self' data:; " +
		"form-action 'self' https://client.example.com:8443; frame-ancestors 'none'; base-uri 'none'"
	for k, want := range map[string]string{
		"Content-Security-Policy": wantCSP,
		fiber.HeaderXFrameOptions: "DENY",
		fiber.HeaderCacheControl:  "no-store",
		fiber.HeaderContentType:   fiber.MIMETextHTMLCharsetUTF8,
	} {
		if got := r.header(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestRenderNonceIsFreshPerRender(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 5 {
		r := renderWith(t, func(c *fiber.Ctx) error { return RenderConsent(c, consentPage()) })
		m := styleNonce.FindStringSubmatch(r.body)
		if m == nil || len(m[1]) < 20 || seen[m[1]] {
			t.Fatalf("nonce %v missing, short or repeated", m)
		}
		seen[m[1]] = true
	}
}

func TestRenderFormAction(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		fn   func(c *fiber.Ctx) error
		want string // the form-action directive
	}{
		{"login without continuation", func(c *fiber.Ctx) error {
			return RenderLogin(c, fiber.StatusOK, LoginPage{Action: "/login"})
		}, "form-action 'self';"},
		{"login continuing to a client", func(c *fiber.Ctx) error {
			return RenderLogin(c, fiber.StatusOK, LoginPage{Action: "/login", RedirectURI: "http://127.0.0.1:9000/callback"})
		}, "form-action 'self' http://127.0.0.1:9000;"},
		{"login with a relative redirect", func(c *fiber.Ctx) error {
			return RenderLogin(c, fiber.StatusOK, LoginPage{RedirectURI: "/cb"})
		}, "form-action 'self';"},
		{"consent with an injection attempt", func(c *fiber.Ctx) error {
			return RenderConsent(c, ConsentPage{RedirectURI: "https://a.example;script-src *"})
		}, "form-action 'self';"},
		{"error page", func(c *fiber.Ctx) error {
			return RenderError(c, fiber.StatusBadRequest, ErrorPage{Title: "Bad Request", Message: evil})
		}, "form-action 'self';"},
	} {
		r := renderWith(t, tc.fn)
		if csp := r.header("Content-Security-Policy"); !strings.Contains(csp, tc.want) {
			t.Errorf("%s: CSP %q lacks %q", tc.name, csp, tc.want)
		}
	}
}

func TestRenderLoginAndError(t *testing.T) {
	t.Parallel()
	r := renderWith(t, func(c *fiber.Ctx) error {
		return RenderLogin(c, fiber.StatusUnauthorized, LoginPage{Action: "/web/login", Email: evil, Error: "Nope <b>",
			Product: "Odoo", UserName: "login", PassName: "password", Hidden: []Field{{Name: "redirect", Value: "/x?a=1&b=2"}}})
	})
	if r.status != fiber.StatusUnauthorized || strings.Contains(r.body, "<script>") || strings.Contains(r.body, "<b>") {
		t.Fatalf("status %d, body:\n%s", r.status, r.body)
	}
	for _, want := range []string{`name="login" value="&lt;script&gt;`, `name="password"`, "Nope &lt;b&gt;",
		"to Odoo.", `name="redirect" value="/x?a=1&amp;b=2"`, `action="/web/login"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("login page lacks %s", want)
		}
	}

	r = renderWith(t, func(c *fiber.Ctx) error {
		return RenderError(c, fiber.StatusForbidden, ErrorPage{Title: "Forbidden", Message: evil})
	})
	if r.status != fiber.StatusForbidden || strings.Contains(r.body, "<script>") ||
		!strings.Contains(r.body, "<title>Forbidden</title>") || r.header(fiber.HeaderXFrameOptions) != "DENY" {
		t.Fatalf("error page: status %d, body:\n%s", r.status, r.body)
	}
}

func TestHiddenFields(t *testing.T) {
	t.Parallel()
	req := core.AuthorizeRequest{ClientID: "c", RedirectURI: "http://h/cb", ResponseType: "code", State: "s",
		CodeChallenge: "ch", CodeChallengeMethod: "S256"}
	got := hiddenFields(req, "session-1")
	want := []Field{{CSRFField, core.CSRFToken("session-1", req)}, {"client_id", "c"}, {"redirect_uri", "http://h/cb"},
		{"response_type", "code"}, {"state", "s"}, {"code_challenge", "ch"}, {"code_challenge_method", "S256"}}
	if !slices.Equal(got, want) {
		t.Fatalf("hiddenFields = %q\nwant %q", got, want)
	}
	if hiddenFields(req, "session-2")[0].Value == want[0].Value {
		t.Fatal("CSRF token does not depend on the session")
	}
}

func TestAuthorizeRequestReadsEveryParameter(t *testing.T) {
	t.Parallel()
	got := AuthorizeRequest(func(k string) string { return "v-" + k }, core.ScopeNarrow)
	want := core.AuthorizeRequest{ScopePolicy: core.ScopeNarrow, ClientID: "v-client_id", RedirectURI: "v-redirect_uri", ResponseType: "v-response_type",
		Scope: "v-scope", State: "v-state", CodeChallenge: "v-code_challenge",
		CodeChallengeMethod: "v-code_challenge_method", Nonce: "v-nonce", Resource: "v-resource",
		Prompt: "v-prompt", MaxAge: "v-max_age", LoginHint: "v-login_hint"}
	if got != want {
		t.Fatalf("AuthorizeRequest = %+v", got)
	}
}

func TestCheckCSRF(t *testing.T) {
	t.Parallel()
	req := core.AuthorizeRequest{ClientID: "c", State: "s"}
	good := core.CSRFToken("sid-1", req)
	for _, tc := range []struct {
		name, sid, body string
		want            bool
	}{
		{"matching token", "sid-1", "csrf_token=" + good, true},
		{"other session's token", "sid-2", "csrf_token=" + good, false},
		{"missing token", "sid-1", "decision=allow", false},
		{"empty token", "sid-1", "csrf_token=", false},
		{"no session", "", "csrf_token=" + core.CSRFToken("", req), false},
	} {
		c := adaptertest.Ctx(t, fiber.MethodPost, "/approve", "", fiber.HeaderContentType, fiber.MIMEApplicationForm)
		c.Request().SetBodyString(tc.body)
		if got := core.CheckCSRF(tc.sid, req, c.FormValue(CSRFField)); got != tc.want {
			t.Errorf("%s: CheckCSRF = %v, want %v", tc.name, got, tc.want)
		}
	}
}
