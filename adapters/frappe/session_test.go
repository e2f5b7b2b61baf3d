package frappe

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/adaptertest"
	"oauthd/adapters/web"
	"oauthd/core"
	"oauthd/models"
)

const (
	testEmail    = "alice@example.com"
	testPassword = "alice-password"
	testRedirect = "http://127.0.0.1:9000/callback"
)

// newHandler is the dialect's handler over a real engine on a fresh SQLite file, with one
// user and a confidential client owned by that user that may use client_credentials.
func newHandler(t *testing.T, issuer string) (*handler, *models.Client, string) {
	t.Helper()
	ctx := context.Background()
	eng := adaptertest.Engine(t)
	if _, err := eng.CreateUser(ctx, core.NewUser{Email: testEmail, Password: testPassword, FullName: "Alice Doe"}); err != nil {
		t.Fatal(err)
	}
	client, secret, err := eng.CreateClient(ctx, core.NewClient{Name: "App", RedirectURIs: []string{testRedirect},
		OwnerEmail: testEmail, GrantTypes: []string{core.GrantClientCredentials}})
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{DialectOptions: web.DialectOptions{Issuer: issuer, AccessTTL: time.Hour, Cookies: web.CookieOptions{TTL: time.Hour}}}
	return &handler{eng: eng, opt: opt}, client, secret
}

func call(t *testing.T, app *fiber.App, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("%s %s: %v: %s", req.Method, req.URL, err, raw)
	}
	return resp, body
}

func formRequest(method, target, body, ctype string) *http.Request {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set(fiber.HeaderContentType, ctype)
	}
	return req
}

func TestLogin(t *testing.T) {
	t.Parallel()
	h, _, _ := newHandler(t, "")
	app := fiber.New()
	app.All("/api/method/login", h.login)
	form, js := fiber.MIMEApplicationForm, fiber.MIMEApplicationJSON
	for _, tc := range []struct {
		name string
		req  *http.Request
		code int
		msg  string
	}{
		{"form", formRequest("POST", "/api/method/login", "usr="+testEmail+"&pwd="+testPassword, form), 200, "Logged In"},
		{"JSON", formRequest("POST", "/api/method/login", `{"usr":"`+testEmail+`","pwd":"`+testPassword+`"}`, js), 200, "Logged In"},
		{"JSON with charset", formRequest("POST", "/api/method/login", `{"usr":"`+testEmail+`","pwd":"`+testPassword+`"}`,
			js+"; charset=utf-8"), 200, "Logged In"},
		{"query", formRequest("GET", "/api/method/login?usr="+testEmail+"&pwd="+testPassword, "", ""), 200, "Logged In"},
		{"wrong password", formRequest("POST", "/api/method/login", "usr="+testEmail+"&pwd=wrong-password", form), 401,
			"Invalid login credentials"},
		{"missing password", formRequest("POST", "/api/method/login", "usr="+testEmail, form), 401, "Incomplete login details"},
		{"broken JSON", formRequest("POST", "/api/method/login", `{"usr":`, js), 400,
			"The request body is not a JSON object with usr and pwd."},
		{"duplicate usr", formRequest("POST", "/api/method/login?usr="+testEmail, "usr="+testEmail+"&pwd="+testPassword, form),
			400, "Duplicate parameter."},
		{"same-site origin", withOrigin(formRequest("POST", "/api/method/login", "usr="+testEmail+"&pwd="+testPassword, form),
			"https://example.com"), 200, "Logged In"},
		{"cross-site form post (login CSRF)", withOrigin(formRequest("POST", "/api/method/login",
			"usr="+testEmail+"&pwd="+testPassword, form), "https://evil.example"), 403, "Cross-site login refused."},
	} {
		resp, body := call(t, app, tc.req)
		var sid string
		for _, c := range resp.Cookies() {
			if c.Name == "sid" {
				sid = c.Value
			}
		}
		if resp.StatusCode != tc.code || body["message"] != tc.msg || (sid != "") != (tc.code == 200) {
			t.Errorf("%s: %d %v (sid %q)", tc.name, resp.StatusCode, body, sid)
		}
		if tc.code == 200 && (body["full_name"] != "Alice Doe" || body["home_page"] != "/" ||
			resp.Header.Get(fiber.HeaderCacheControl) != "no-store") {
			t.Errorf("%s: %v", tc.name, body)
		}
	}
}

// withOrigin sets the request's Origin header (httptest requests have Host example.com).
func withOrigin(r *http.Request, origin string) *http.Request {
	r.Header.Set(fiber.HeaderOrigin, origin)
	return r
}

func TestToken(t *testing.T) {
	t.Parallel()
	h, client, secret := newHandler(t, "")
	app := fiber.New()
	app.Post("/token", h.token)
	form := fiber.MIMEApplicationForm
	creds := "client_id=" + client.ID + "&client_secret=" + secret
	withBasic := func(target, body, id, secret string) *http.Request {
		r := formRequest("POST", target, body, form)
		r.Header.Set(fiber.HeaderAuthorization, basic(id, secret))
		return r
	}
	for _, tc := range []struct {
		name   string
		req    *http.Request
		status int
		err    string
	}{
		{"Basic credentials", withBasic("/token", "grant_type=client_credentials", client.ID, secret), 200, ""},
		{"Basic and matching client_id", withBasic("/token", "grant_type=client_credentials&client_id="+client.ID,
			client.ID, secret), 200, ""},
		// A client registered without an auth method takes its secret by Basic or in the body.
		{"form credentials for a default client", formRequest("POST", "/token", "grant_type=client_credentials&"+creds, form),
			200, ""},
		{"Basic and form secret", withBasic("/token", "grant_type=client_credentials&client_secret="+secret, client.ID,
			secret), 400, core.ErrInvalidRequest},
		{"credentials in the query are ignored", formRequest("POST", "/token?"+creds, "grant_type=client_credentials", form),
			401, core.ErrInvalidClient},
		{"wrong secret", withBasic("/token", "grant_type=client_credentials", client.ID, "x"), 401, core.ErrInvalidClient},
		{"malformed Basic", func() *http.Request {
			r := formRequest("POST", "/token", "grant_type=client_credentials", form)
			r.Header.Set(fiber.HeaderAuthorization, "Basic %%%")
			return r
		}(), 401, core.ErrInvalidClient},
		{"missing grant_type", withBasic("/token", "", client.ID, secret), 400, core.ErrInvalidRequest},
		{"missing code", withBasic("/token", "grant_type=authorization_code", client.ID, secret), 400, core.ErrInvalidRequest},
		{"grant not allowed", withBasic("/token", "grant_type=refresh_token&refresh_token=r", client.ID, secret),
			400, core.ErrUnauthorizedClient},
		{"duplicate parameter", withBasic("/token", "grant_type=client_credentials&grant_type=client_credentials",
			client.ID, secret), 400, core.ErrInvalidRequest},
	} {
		resp, body := call(t, app, tc.req)
		if resp.StatusCode != tc.status || resp.Header.Get(fiber.HeaderCacheControl) != "no-store" {
			t.Errorf("%s: %d %v", tc.name, resp.StatusCode, body)
			continue
		}
		if tc.status == 200 {
			if tok, _ := body["access_token"].(string); tok == "" || body["token_type"] != "Bearer" ||
				body["expires_in"] != 3600.0 || body["refresh_token"] != nil {
				t.Errorf("%s: %v", tc.name, body)
			}
			continue
		}
		if (tc.err != "" && body["error"] != tc.err) || body["error_description"] == nil ||
			(resp.StatusCode == 401) != (resp.Header.Get(fiber.HeaderWWWAuthenticate) == `Basic realm="oauthd"`) {
			t.Errorf("%s: %d %v %q", tc.name, resp.StatusCode, body, resp.Header.Get(fiber.HeaderWWWAuthenticate))
		}
	}
}

func TestLoginRedirect(t *testing.T) {
	t.Parallel()
	const self = oauthPrefix + "authorize"
	want := map[string]string{"client_id": "a", "scope": "all openid", "state": "x&y=z"}
	q := url.Values{}
	for k, v := range want {
		q.Set(k, v)
	}
	for _, tc := range []struct{ method, target, body string }{
		{fiber.MethodGet, self + "?" + strings.ReplaceAll(q.Encode(), "+", "%20"), ""},
		{fiber.MethodGet, self + "?" + q.Encode(), ""},
		{fiber.MethodPost, self, q.Encode()},
	} {
		c := adaptertest.Ctx(t, tc.method, tc.target, tc.body)
		p, perr := requestParams(c)
		if perr != nil {
			t.Fatal(perr)
		}
		loc := loginRedirect(c, self, p)
		if !strings.HasPrefix(loc, "/login?redirect-to=") || strings.Contains(loc, "+") {
			t.Errorf("%s %s: %q", tc.method, tc.target, loc)
			continue
		}
		u, err := url.Parse(loc)
		if err != nil {
			t.Fatal(err)
		}
		back, err := url.Parse(u.Query().Get("redirect-to"))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for k, v := range back.Query() {
			got[k] = v[0]
		}
		if back.Path != self || !maps.Equal(got, want) {
			t.Errorf("%s %s: comes back to %q with %v", tc.method, tc.target, back.Path, got)
		}
	}
}

func TestMetadata(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ issuer, want string }{
		{"https://auth.example.com", "https://auth.example.com"},
		{"", "http://example.com"}, // the request's own origin
	} {
		h, _, _ := newHandler(t, tc.issuer)
		app := fiber.New()
		app.Get("/.well-known/openid-configuration", h.metadata)
		req := httptest.NewRequest(fiber.MethodGet, "/.well-known/openid-configuration", nil)
		req.Host = "example.com"
		_, body := call(t, app, req)
		if body["issuer"] != tc.want || body["token_endpoint"] != tc.want+oauthPrefix+"get_token" ||
			body["authorization_endpoint"] != tc.want+oauthPrefix+"authorize" ||
			body["userinfo_endpoint"] != tc.want+oauthPrefix+"openid_profile" {
			t.Errorf("issuer %q: %v", tc.issuer, body)
		}
	}
}
