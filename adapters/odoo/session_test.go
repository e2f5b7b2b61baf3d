package odoo

import (
	"context"
	"encoding/json"
	"io"
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
// user and one confidential client.
func newHandler(t *testing.T) (*handler, *models.Client) {
	t.Helper()
	ctx := context.Background()
	eng := adaptertest.Engine(t)
	if _, err := eng.CreateUser(ctx, core.NewUser{Email: testEmail, Password: testPassword, FullName: "Alice Doe"}); err != nil {
		t.Fatal(err)
	}
	client, _, err := eng.CreateClient(ctx, core.NewClient{Name: "App", RedirectURIs: []string{testRedirect}})
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{DialectOptions: web.DialectOptions{Cookies: web.CookieOptions{TTL: time.Hour}, AccessTTL: time.Hour}}
	return &handler{eng: eng, opt: opt}, client
}

type rpcAnswer struct {
	ID     json.RawMessage `json:"id"`
	Result *struct {
		UID      uint   `json:"uid"`
		Username string `json:"username"`
		Name     string `json:"name"`
	} `json:"result"`
	Error *struct {
		Code int `json:"code"`
		Data struct {
			Name string `json:"name"`
		} `json:"data"`
	} `json:"error"`
}

func TestSessionAuthenticate(t *testing.T) {
	t.Parallel()
	h, _ := newHandler(t)
	app := fiber.New()
	app.Post(sessionRoute, h.authenticate)
	rpc := func(login, password string) string {
		b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 7, "params": map[string]string{
			"db": "ignored", "login": login, "password": password}})
		return string(b)
	}
	for _, tc := range []struct {
		name, ctype, body string
		status, rpcCode   int
		errName           string
		id                string
	}{
		{"good", fiber.MIMEApplicationJSON, rpc(testEmail, testPassword), 200, 0, "", "7"},
		{"good, charset", "application/json; charset=utf-8", rpc("ALICE@example.com", testPassword), 200, 0, "", "7"},
		{"wrong password", fiber.MIMEApplicationJSON, rpc(testEmail, "wrong-password"), 401, 200,
			"odoo.exceptions.AccessDenied", "7"},
		{"no credentials", fiber.MIMEApplicationJSON, `{"id":"x","params":{}}`, 401, 200,
			"odoo.exceptions.AccessDenied", `"x"`},
		{"not JSON", fiber.MIMEApplicationJSON, `{"params":`, 400, -32700, "werkzeug.exceptions.BadRequest", "null"},
		{"form body", fiber.MIMEApplicationForm, "login=" + testEmail, 400, -32600, "werkzeug.exceptions.BadRequest", "null"},
		{"no content type", "", rpc(testEmail, testPassword), 400, -32600, "werkzeug.exceptions.BadRequest", "null"},
	} {
		req := httptest.NewRequest(fiber.MethodPost, sessionRoute, strings.NewReader(tc.body))
		if tc.ctype != "" {
			req.Header.Set(fiber.HeaderContentType, tc.ctype)
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var got rpcAnswer
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("%s: %v: %s", tc.name, err, raw)
		}
		if resp.StatusCode != tc.status || string(got.ID) != tc.id || resp.Header.Get(fiber.HeaderCacheControl) != "no-store" {
			t.Errorf("%s: %d id %s %s", tc.name, resp.StatusCode, got.ID, raw)
			continue
		}
		var sid string
		for _, c := range resp.Cookies() {
			if c.Name == "session_id" {
				sid = c.Value
			}
		}
		if tc.status == 200 {
			if got.Result == nil || got.Result.Username != testEmail || got.Result.Name != "Alice Doe" ||
				got.Result.UID == 0 || got.Error != nil || sid == "" {
				t.Errorf("%s: %s (session %q)", tc.name, raw, sid)
			}
			continue
		}
		if got.Result != nil || got.Error == nil || got.Error.Code != tc.rpcCode || got.Error.Data.Name != tc.errName || sid != "" {
			t.Errorf("%s: %s (session %q)", tc.name, raw, sid)
		}
	}
}

func TestLoginContinues(t *testing.T) {
	t.Parallel()
	h, client := newHandler(t)
	authorize := func(q url.Values) string { return oauth2Path + "/authorize?" + q.Encode() }
	for _, tc := range []struct{ name, target, want string }{
		{"authorization request", authorize(url.Values{"client_id": {client.ID}, "redirect_uri": {testRedirect},
			"response_type": {"code"}}), testRedirect},
		{"double-encoded redirect_uri", authorize(url.Values{"client_id": {client.ID},
			"redirect_uri": {url.QueryEscape(testRedirect)}, "response_type": {"code"}}), testRedirect},
		{"default redirect_uri", authorize(url.Values{"client_id": {client.ID}, "response_type": {"code"}}), testRedirect},
		{"unknown client", authorize(url.Values{"client_id": {"nope"}, "redirect_uri": {testRedirect}}), ""},
		{"unregistered redirect_uri", authorize(url.Values{"client_id": {client.ID},
			"redirect_uri": {"http://evil.example/cb"}}), ""},
		{"other page", "/web?client_id=" + client.ID, ""},
		{"root", "/", ""},
	} {
		c := adaptertest.Ctx(t, fiber.MethodGet, loginPath, "")
		if got := h.loginContinues(c, tc.target); got != tc.want {
			t.Errorf("%s: loginContinues = %q, want %q", tc.name, got, tc.want)
		}
	}
}
