package routes

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestSingleCredentials(t *testing.T) {
	t.Parallel()
	app := fiber.New()
	app.Use(singleCredentials)
	app.All("/", func(c *fiber.Ctx) error {
		return c.SendString(c.Get(fiber.HeaderAuthorization) + "|" + c.Get("Authorizaton"))
	})
	for _, tc := range []struct {
		name    string
		headers [][2]string
		status  int
		body    string // the echo on success, the message on refusal
	}{
		{"none", nil, 200, "|"},
		{"one Authorization", [][2]string{{"Authorization", "Bearer a"}}, 200, "Bearer a|"},
		{"one misspelt", [][2]string{{"Authorizaton", "Bearer a"}}, 200, "|Bearer a"},
		{"one of each", [][2]string{{"Authorization", "Bearer a"}, {"Authorizaton", "Bearer b"}}, 200, "Bearer a|Bearer b"},
		{"Authorization twice", [][2]string{{"Authorization", "Bearer a"}, {"Authorization", "Bearer b"}}, 400,
			"The Authorization header was sent more than once."},
		{"Authorization twice, same value", [][2]string{{"Authorization", "Bearer a"}, {"Authorization", "Bearer a"}}, 400,
			"The Authorization header was sent more than once."},
		{"misspelt twice", [][2]string{{"Authorizaton", "Bearer a"}, {"Authorizaton", "Bearer b"}}, 400,
			"The Authorizaton header was sent more than once."},
		{"empty and full", [][2]string{{"Authorization", ""}, {"Authorization", "Bearer b"}}, 400,
			"The Authorization header was sent more than once."},
	} {
		req := httptest.NewRequest(fiber.MethodPost, "/", nil)
		for _, h := range tc.headers {
			req.Header.Add(h[0], h[1])
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d: %s", tc.name, resp.StatusCode, raw)
			continue
		}
		if tc.status == 200 {
			if string(raw) != tc.body {
				t.Errorf("%s: handler saw %q, want %q", tc.name, raw, tc.body)
			}
			continue
		}
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("%s: %v: %s", tc.name, err, raw)
		}
		if body["code"] != 400.0 || body["message"] != tc.body || body["error"] != "invalid_request" ||
			body["error_description"] != tc.body || resp.Header.Get(fiber.HeaderContentType) != fiber.MIMEApplicationJSON {
			t.Errorf("%s: %v", tc.name, body)
		}
	}
}
