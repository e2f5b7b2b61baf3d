package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/adaptertest"
	"oauthd/core"
	"oauthd/models"
)

const (
	testEmail    = "alice@example.com"
	testPassword = "alice-password"
	testRedirect = "http://127.0.0.1:9000/callback"
)

// newEngine is a real engine over a fresh SQLite file with one user.
func newEngine(t *testing.T) (*core.Engine, *models.User) {
	t.Helper()
	eng := adaptertest.Engine(t)
	u, err := eng.CreateUser(context.Background(), core.NewUser{Email: testEmail, Password: testPassword, FullName: "Alice Doe"})
	if err != nil {
		t.Fatal(err)
	}
	return eng, u
}

func send(t *testing.T, app *fiber.App, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func cookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSessionIDPrefersSid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ cookies, want string }{
		{"sid=a; session_id=b", "a"},
		{"session_id=b", "b"},
		{"sid=; session_id=b", "b"},
		{"other=x", ""},
	} {
		c := adaptertest.Ctx(t, fiber.MethodGet, "/", "", fiber.HeaderCookie, tc.cookies)
		if got := SessionID(c); got != tc.want {
			t.Errorf("SessionID(%q) = %q, want %q", tc.cookies, got, tc.want)
		}
	}
}

func TestSetAndClearSessionCookies(t *testing.T) {
	t.Parallel()
	c := adaptertest.Ctx(t, fiber.MethodGet, "/", "")
	SetSession(c, "the-sid", &models.User{Email: "a@example.com", FullName: "A"}, CookieOptions{Secure: true, TTL: time.Hour})
	if n := len(setCookies(c)); n != 4 {
		t.Fatalf("SetSession set %d cookies", n)
	}
	set := strings.Join(setCookies(c), "\n")
	for _, want := range []string{"sid=the-sid;", "session_id=the-sid;", "user_id=a@example.com;", "full_name=A;"} {
		if !strings.Contains(set, want) {
			t.Errorf("Set-Cookie lacks %s:\n%s", want, set)
		}
	}
	for _, line := range setCookies(c) {
		lower := strings.ToLower(line)
		session := strings.HasPrefix(line, "sid=") || strings.HasPrefix(line, "session_id=")
		if !strings.Contains(lower, "secure") || !strings.Contains(lower, "samesite=lax") ||
			strings.Contains(lower, "httponly") != session {
			t.Errorf("cookie attributes: %s", line)
		}
	}

	c = adaptertest.Ctx(t, fiber.MethodGet, "/", "")
	ClearSession(c)
	cleared := setCookies(c)
	if len(cleared) != 4 {
		t.Fatalf("ClearSession set %d cookies: %q", len(cleared), cleared)
	}
	for _, line := range cleared {
		// fasthttp writes an expired cookie as max-age=0 (since v1.5x) or an expiry in 1970.
		if !strings.Contains(line, "=;") || (!strings.Contains(line, "expires=Thu, 01 Jan 1970") &&
			!strings.Contains(line, "max-age=0")) {
			t.Errorf("not an expiring cookie: %s", line)
		}
	}
}

// setCookies are the response's Set-Cookie values.
func setCookies(c *fiber.Ctx) []string {
	var out []string
	c.Response().Header.VisitAllCookie(func(_, v []byte) { out = append(out, string(v)) })
	return out
}

func TestCurrentSession(t *testing.T) {
	t.Parallel()
	eng, u := newEngine(t)
	_, sid, err := eng.Login(context.Background(), core.LoginAttempt{Email: testEmail, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, cookies string
		wantUser      bool
	}{
		{"sid cookie", "sid=" + sid, true},
		{"Odoo cookie", "session_id=" + sid, true},
		{"unknown session", "sid=" + core.NewToken(), false},
		{"garbage", "sid=%00", false},
		{"none", "", false},
	} {
		c := adaptertest.Ctx(t, fiber.MethodGet, "/", "", fiber.HeaderCookie, tc.cookies)
		s, err := CurrentSession(c, eng)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := s.User
		if (got != nil) != tc.wantUser || (got != nil && (got.ID != u.ID || s.ID != sid || s.LoginAt.IsZero())) {
			t.Errorf("%s: session %+v", tc.name, s)
		}
	}
}

func testLoginForm(cont func(*fiber.Ctx, string) string) LoginForm {
	return LoginForm{Path: "/login", RedirectParam: "redirect-to", UserField: "usr", PassField: "pwd",
		Product: "Frappe", Cookies: CookieOptions{TTL: time.Hour}, Continues: cont}
}

func TestLoginFormShow(t *testing.T) {
	t.Parallel()
	var targets []string
	app := fiber.New()
	app.Get("/login", testLoginForm(func(_ *fiber.Ctx, target string) string {
		targets = append(targets, target)
		return testRedirect
	}).Show)
	for _, tc := range []struct{ query, wantTarget string }{
		{"?redirect-to=" + url.QueryEscape("/app?x=1"), "/app?x=1"},
		{"?redirect-to=//evil.example", "/"},
		{"?redirect-to=https://evil.example", "/"},
		{"", "/"},
	} {
		resp, body := send(t, app, httptest.NewRequest(fiber.MethodGet, "/login"+tc.query, nil))
		if resp.StatusCode != fiber.StatusOK {
			t.Fatalf("%q: status %d", tc.query, resp.StatusCode)
		}
		hidden := `name="redirect-to" value="` + strings.ReplaceAll(tc.wantTarget, "&", "&amp;") + `"`
		if !strings.Contains(body, hidden) || !strings.Contains(body, `name="usr"`) || !strings.Contains(body, `name="pwd"`) {
			t.Errorf("%q: page lacks %s", tc.query, hidden)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' http://127.0.0.1:9000;") {
			t.Errorf("%q: CSP %q", tc.query, csp)
		}
		if got := targets[len(targets)-1]; got != tc.wantTarget {
			t.Errorf("%q: Continues saw %q", tc.query, got)
		}
	}
}

func TestLoginFormSubmit(t *testing.T) {
	t.Parallel()
	eng, _ := newEngine(t)
	app := fiber.New()
	app.Post("/login", testLoginForm(nil).Submit(eng))
	for _, tc := range []struct {
		name, form, query string
		status            int
		location          string
		origin            string // the request's Host is example.com
	}{
		{"good, form target", "usr=ALICE%40example.com&pwd=" + testPassword + "&redirect-to=%2Fapp", "", 302, "/app", ""},
		{"good, query target", "usr=" + testEmail + "&pwd=" + testPassword, "?redirect-to=%2Fdesk", 302, "/desk", ""},
		{"good, open redirect refused", "usr=" + testEmail + "&pwd=" + testPassword + "&redirect-to=%2F%2Fevil.example", "", 302, "/", ""},
		{"wrong password", "usr=" + testEmail + "&pwd=nope-nope&redirect-to=%2Fapp", "", 401, "", ""},
		{"unknown user", "usr=bob%40example.com&pwd=" + testPassword, "", 401, "", ""},
		{"empty", "", "", 401, "", ""},
		{"same-site origin", "usr=" + testEmail + "&pwd=" + testPassword, "", 302, "/", "http://example.com"},
		{"same host behind a TLS proxy", "usr=" + testEmail + "&pwd=" + testPassword, "", 302, "/", "https://example.com"},
		{"cross-site origin (login CSRF)", "usr=" + testEmail + "&pwd=" + testPassword, "", 403, "", "https://evil.example"},
		{"opaque origin", "usr=" + testEmail + "&pwd=" + testPassword, "", 403, "", "null"},
	} {
		req := httptest.NewRequest(fiber.MethodPost, "/login"+tc.query, strings.NewReader(tc.form))
		req.Header.Set(fiber.HeaderContentType, fiber.MIMEApplicationForm)
		if tc.origin != "" {
			req.Header.Set(fiber.HeaderOrigin, tc.origin)
		}
		resp, body := send(t, app, req)
		if resp.StatusCode != tc.status || resp.Header.Get(fiber.HeaderLocation) != tc.location {
			t.Errorf("%s: %d Location %q, want %d %q", tc.name, resp.StatusCode, resp.Header.Get(fiber.HeaderLocation),
				tc.status, tc.location)
			continue
		}
		sid := cookie(resp, adapters.CookieSID)
		if tc.status == 302 {
			if sid == nil || !sid.HttpOnly || cookie(resp, adapters.CookieSessionID).Value != sid.Value {
				t.Errorf("%s: session cookies %v", tc.name, resp.Cookies())
			} else if s, err := eng.CurrentSession(context.Background(), sid.Value); err != nil || s.User == nil || s.User.Email != testEmail {
				t.Errorf("%s: session does not resolve: %v", tc.name, err)
			}
			continue
		}
		want := "Invalid login credentials"
		if tc.status == 403 {
			want = "login page"
		}
		if sid != nil || !strings.Contains(body, want) || !strings.Contains(body, `id="login-form"`) {
			t.Errorf("%s: cookie %v, body:\n%s", tc.name, sid, body)
		}
	}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	eng, _ := newEngine(t)
	ctx := context.Background()
	client, _, err := eng.CreateClient(ctx, core.NewClient{Name: "App", RedirectURIs: []string{testRedirect}})
	if err != nil {
		t.Fatal(err)
	}
	_, sid, err := eng.Login(ctx, core.LoginAttempt{Email: testEmail, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	areq := core.AuthorizeRequest{ClientID: client.ID, RedirectURI: testRedirect,
		ResponseType: "code", State: "st", CodeChallenge: strings.Repeat("a", 43), CodeChallengeMethod: "S256"}
	app := fiber.New()
	app.Post("/approve", func(c *fiber.Ctx) error {
		d, err := Decision(c, eng, areq)
		if err != nil {
			return err
		}
		o := eng.Decide(c.UserContext(), d)
		if o.Redirect == "" {
			return c.SendString("fail: " + o.Err.Description)
		}
		return c.SendString(o.Redirect)
	})
	csrf := "&" + CSRFField + "=" + core.CSRFToken(sid, areq)
	for _, tc := range []struct{ cookie, body, want string }{
		{"sid=" + sid, "decision=allow" + csrf, "code="},
		{"sid=" + sid, "decision=deny" + csrf, "error=access_denied"},
		{"sid=" + sid, "decision=" + csrf, "error=access_denied"},
		{"sid=" + sid, "decision=ALLOW" + csrf, "error=access_denied"},
		{"", "decision=allow" + csrf, "fail: Login required."},
		{"sid=" + sid, "decision=allow", "fail: Invalid or missing CSRF token."},
		{"sid=" + sid, "decision=allow&" + CSRFField + "=" + core.CSRFToken("other", areq), "fail: Invalid or missing CSRF token."},
		{"sid=" + sid, "decision=allow&" + CSRFField + "=" + core.CSRFToken(sid, core.AuthorizeRequest{ClientID: client.ID}),
			"fail: Invalid or missing CSRF token."},
	} {
		req := httptest.NewRequest(fiber.MethodPost, "/approve", strings.NewReader(tc.body))
		req.Header.Set(fiber.HeaderContentType, fiber.MIMEApplicationForm)
		if tc.cookie != "" {
			req.Header.Set(fiber.HeaderCookie, tc.cookie)
		}
		_, target := send(t, app, req)
		if strings.HasPrefix(tc.want, "fail: ") {
			if target != tc.want {
				t.Errorf("%q %q: got %q, want %q", tc.cookie, tc.body, target, tc.want)
			}
			continue
		}
		if !strings.HasPrefix(target, testRedirect+"?") || !strings.Contains(target, tc.want) ||
			!strings.Contains(target, "state=st") {
			t.Errorf("%q: redirect %q", tc.body, target)
		}
	}
}
