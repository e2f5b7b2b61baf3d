package routes

import (
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
)

// secure replaced Fiber's helmet middleware configured as below: it must set the same headers
// with the same values, nothing more or less.
func TestSecurityHeadersMatchHelmet(t *testing.T) {
	t.Parallel()
	reference := helmet.New(helmet.Config{XFrameOptions: "DENY",
		ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'", ReferrerPolicy: "same-origin"})
	headers := func(mw fiber.Handler) []string {
		app := fiber.New()
		app.Use(mw)
		app.Get("/", func(c *fiber.Ctx) error { return c.SendString("ok") })
		resp, err := app.Test(httptest.NewRequest("GET", "/", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for name, values := range resp.Header {
			if name != "Date" && name != "Content-Length" && name != "Content-Type" {
				out = append(out, name+": "+values[0])
			}
		}
		slices.Sort(out)
		return out
	}
	got, want := headers(secure), headers(reference)
	if !slices.Equal(got, want) || len(want) < 12 {
		t.Errorf("secure sets\n%q\nhelmet sets\n%q", got, want)
	}
}

var uuidForm = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// Every answer names its request: a new UUID each time, or the id a proxy in front sent.
func TestRequestID(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	get := func(header ...string) string {
		req := httptest.NewRequest("GET", "/nope", nil)
		if len(header) > 0 {
			req.Header.Set(fiber.HeaderXRequestID, header[0])
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Header.Get(fiber.HeaderXRequestID)
	}
	first, second := get(), get()
	if !uuidForm.MatchString(first) || !uuidForm.MatchString(second) || first == second {
		t.Errorf("request ids %q and %q: want two distinct version 4 UUIDs", first, second)
	}
	if got := get("from-the-proxy-42"); got != "from-the-proxy-42" {
		t.Errorf("a proxy's request id came back as %q", got)
	}
}
