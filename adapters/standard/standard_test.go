package standard

import (
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// Every Bearer challenge of a 401 or 403 gains resource_metadata; other challenges and other
// statuses are left as the endpoint wrote them.
func TestResourceMetadataChallenge(t *testing.T) {
	t.Parallel()
	const meta = `resource_metadata="https://id.example/.well-known/oauth-protected-resource"`
	for _, tc := range []struct {
		status    int
		challenge string
		want      string
	}{
		{401, `Bearer error="invalid_token"`, `Bearer error="invalid_token", ` + meta},
		{403, `Bearer error="insufficient_scope", scope="openid"`, `Bearer error="insufficient_scope", scope="openid", ` + meta},
		{401, `Bearer`, `Bearer ` + meta},
		{401, `Bearer ` + meta, `Bearer ` + meta},
		{401, `Basic realm="oauthd"`, `Basic realm="oauthd"`},
		{400, `Bearer error="invalid_request"`, `Bearer error="invalid_request"`},
		{401, ``, ``},
	} {
		app := fiber.New()
		app.Use(ResourceMetadataChallenge("https://id.example"))
		app.Get("/r", func(c *fiber.Ctx) error {
			if tc.challenge != "" {
				c.Set(fiber.HeaderWWWAuthenticate, tc.challenge)
			}
			return c.SendStatus(tc.status)
		})
		resp, err := app.Test(httptest.NewRequest("GET", "/r", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Header.Get(fiber.HeaderWWWAuthenticate); got != tc.want {
			t.Errorf("%d %q: WWW-Authenticate %q, want %q", tc.status, tc.challenge, got, tc.want)
		}
	}
}
