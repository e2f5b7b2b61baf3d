package routes

import (
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"oauthd/adapters"
	"oauthd/adapters/adaptertest"
	"oauthd/config"
)

func readAll(r io.ReadCloser) string {
	defer r.Close()
	b, _ := io.ReadAll(r)
	return string(b)
}

// newApp is the whole application over a real engine on a fresh SQLite file.
func newApp(t *testing.T) *fiber.App {
	t.Helper()
	eng := adaptertest.Engine(t)
	cfg := &config.Config{
		Server: config.Server{BodyLimit: 1024, HeaderLimit: 8192},
		Frappe: config.Frappe{AccessTTL: time.Hour}, Odoo: config.Odoo{AccessTTL: time.Hour, ValidityFormat: "auto"},
		Login: config.Login{MaxFailures: 5, FailureWindow: time.Minute, SessionTTL: time.Hour},
	}
	return New(adapters.Deps{Engine: eng, Config: cfg})
}

func TestAppBasics(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		want                     map[string]any
		secured                  bool // a page or API answer: the security headers
	}{
		{"health", "GET", "/healthz", "", 200, map[string]any{"status": "ok"}, false},
		{"unknown path", "GET", "/nope", "", 404, map[string]any{"error": "not_found", "message": "Not found"}, true},
	} {
		req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
		if tc.body != "" {
			req.Header.Set(fiber.HeaderContentType, fiber.MIMEApplicationForm)
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		raw := readAll(resp.Body)
		var got map[string]any
		if err := json.Unmarshal([]byte(raw), &got); err != nil {
			t.Fatalf("%s: %v: %s", tc.name, err, raw)
		}
		if resp.StatusCode != tc.status || len(got) != len(tc.want) {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, raw)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v", tc.name, k, got[k], v)
			}
		}
		secured := resp.Header.Get(fiber.HeaderXFrameOptions) == "DENY" && resp.Header.Get("Referrer-Policy") == "same-origin"
		if secured != tc.secured || !uuidForm.MatchString(resp.Header.Get(fiber.HeaderXRequestID)) {
			t.Errorf("%s: security headers %v (want %v) or no X-Request-ID: %v", tc.name, secured, tc.secured, resp.Header)
		}
	}
}

// errorHandler answers what no handler rendered, such as a body over the limit (which
// fasthttp refuses before routing, so app.Test cannot show it) or a recovered panic.
func TestErrorHandler(t *testing.T) {
	t.Parallel()
	app := fiber.New()
	for _, tc := range []struct {
		err    error
		status int
		body   string
	}{
		{fiber.ErrRequestEntityTooLarge, 413, `{"error":"invalid_request","error_description":"Request Entity Too Large","message":"Request Entity Too Large"}`},
		{fiber.ErrRequestHeaderFieldsTooLarge, 431, `{"error":"invalid_request","error_description":"Request Header Fields Too Large","message":"Request Header Fields Too Large"}`},
		{fiber.NewError(fiber.StatusBadRequest, "secret detail"), 400, `{"error":"invalid_request","error_description":"Bad Request","message":"Bad Request"}`},
		{errors.New("db password in here"), 500, `{"error":"server_error","message":"Internal error"}`},
		{fiber.ErrServiceUnavailable, 503, `{"error":"server_error","message":"Internal error"}`},
	} {
		c := app.AcquireCtx(&fasthttp.RequestCtx{})
		if err := errorHandler(c, tc.err); err != nil {
			t.Fatal(err)
		}
		if got := c.Response(); got.StatusCode() != tc.status || string(got.Body()) != tc.body {
			t.Errorf("%v: %d %s, want %d %s", tc.err, got.StatusCode(), got.Body(), tc.status, tc.body)
		}
		app.ReleaseCtx(c)
	}
}
