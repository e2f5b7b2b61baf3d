package routes

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/config"
)

func TestAccount(t *testing.T) {
	t.Parallel()
	app := fiber.New()
	app.All("/", func(c *fiber.Ctx) error { return c.SendString(account(c)) })
	form, js := fiber.MIMEApplicationForm, fiber.MIMEApplicationJSON
	for _, tc := range []struct {
		name, query, ctype, body, want string
	}{
		{"nothing", "", "", "", ""},
		{"form usr", "", form, "usr=Alice%40Example.com&pwd=x", "alice@example.com"},
		{"form login", "", form, "login=bob%40example.com&password=x", "bob@example.com"},
		{"query usr", "?usr=Carol%40example.com&pwd=x", "", "", "carol@example.com"},
		{"query login", "?login=dave%40example.com", "", "", "dave@example.com"},
		// fasthttp's FormValue reads the query first, as do the login handlers.
		{"query before form", "?usr=q%40example.com", form, "usr=f%40example.com", "q@example.com"},
		{"JSON usr", "", js, `{"usr":"Erin@Example.com","pwd":"x"}`, "erin@example.com"},
		{"JSON with charset", "", js + "; charset=utf-8", `{"usr":"erin@example.com"}`, "erin@example.com"},
		{"JSON-RPC login", "", js, `{"jsonrpc":"2.0","params":{"db":"x","login":"Frank@example.com","password":"p"}}`,
			"frank@example.com"},
		{"JSON without a name", "", js, `{"pwd":"x"}`, ""},
		{"broken JSON", "", js, `{"usr":`, ""},
		{"JSON of another shape", "", js, `["usr"]`, ""},
		{"JSON under another type", "", "text/plain", `{"usr":"erin@example.com"}`, ""},
		{"other form fields", "", form, "email=x%40example.com", ""},
	} {
		req := httptest.NewRequest(fiber.MethodPost, "/"+tc.query, strings.NewReader(tc.body))
		if tc.ctype != "" {
			req.Header.Set(fiber.HeaderContentType, tc.ctype)
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if got := readAll(resp.Body); got != tc.want {
			t.Errorf("%s: account = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestLoginLimits(t *testing.T) {
	t.Parallel()
	app := fiber.New()
	loginLimits(app, config.Login{MaxFailures: 2, FailureWindow: time.Minute})
	app.All("/api/method/login", func(c *fiber.Ctx) error {
		if c.FormValue("pwd") == "right" {
			return c.SendString("ok")
		}
		return c.SendStatus(fiber.StatusUnauthorized)
	})
	app.Get("/login", func(c *fiber.Ctx) error { return c.SendString("page") })
	post := func(body string) int { // every request comes from app.Test's one peer address
		req := httptest.NewRequest(fiber.MethodPost, "/api/method/login", strings.NewReader(body))
		req.Header.Set(fiber.HeaderContentType, fiber.MIMEApplicationForm)
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i, tc := range []struct {
		body string
		want int
	}{
		{"usr=a%40example.com&pwd=right", 200},
		{"usr=a%40example.com&pwd=right", 200}, // successes do not count
		{"usr=a%40example.com&pwd=right", 200},
		{"usr=a%40example.com&pwd=wrong", 401},
		{"usr=A%40example.com&pwd=wrong", 401}, // the same account in another case
		{"usr=a%40example.com&pwd=right", 429}, // the account is locked, even for the right password
		{"usr=b%40example.com&pwd=wrong", 429}, // and so is the address
	} {
		if got := post(tc.body); got != tc.want {
			t.Errorf("attempt %d (%s): %d, want %d", i, tc.body, got, tc.want)
		}
	}
	for range 3 { // showing the login page is never limited
		resp, err := app.Test(httptest.NewRequest(fiber.MethodGet, "/login", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("login page: %d", resp.StatusCode)
		}
	}
}
