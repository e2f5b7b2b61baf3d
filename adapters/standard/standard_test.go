package standard

import (
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
)

// Every Bearer challenge of a 401 or 403 that names no metadata gains the issuer's; one that
// names its resource's keeps it; other challenges and other statuses are left as written.
func TestResourceMetadataChallenge(t *testing.T) {
	t.Parallel()
	const meta = `resource_metadata="https://id.example/.well-known/oauth-protected-resource"`
	const own = "https://api.example/.well-known/oauth-protected-resource/mcp"
	for _, tc := range []struct {
		status    int
		challenge *adapters.BearerChallenge
		raw       string // a challenge written by hand
		want      string
	}{
		{401, &adapters.BearerChallenge{Error: "invalid_token"}, "", `Bearer error="invalid_token", ` + meta},
		{403, &adapters.BearerChallenge{Error: "insufficient_scope", Scopes: []string{"openid"}}, "",
			`Bearer error="insufficient_scope", scope="openid", ` + meta},
		{401, &adapters.BearerChallenge{}, "", `Bearer ` + meta},
		{401, &adapters.BearerChallenge{ResourceMetadata: own}, "", `Bearer resource_metadata="` + own + `"`},
		{400, &adapters.BearerChallenge{Error: "invalid_request"}, "", `Bearer error="invalid_request"`},
		{401, nil, `Basic realm="oauthd"`, `Basic realm="oauthd"`},
		{401, nil, ``, ``},
	} {
		app := fiber.New()
		app.Use(ResourceMetadataChallenge("https://id.example"))
		app.Get("/r", func(c *fiber.Ctx) error {
			if tc.challenge != nil {
				adapters.SetChallenge(c, *tc.challenge)
			} else if tc.raw != "" {
				c.Set(fiber.HeaderWWWAuthenticate, tc.raw)
			}
			return c.SendStatus(tc.status)
		})
		resp, err := app.Test(httptest.NewRequest("GET", "/r", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Header.Get(fiber.HeaderWWWAuthenticate); got != tc.want {
			t.Errorf("%d %+v: WWW-Authenticate %q, want %q", tc.status, tc.challenge, got, tc.want)
		}
	}
}
