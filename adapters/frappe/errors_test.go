package frappe

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/adaptertest"
	"oauthd/core"
)

type answer struct {
	status                      int
	body, ctype, wwwAuth, allow string
	noStore                     bool
}

func answerOf(c *fiber.Ctx) answer {
	r := c.Response()
	return answer{status: r.StatusCode(), body: string(r.Body()), ctype: string(r.Header.ContentType()),
		wwwAuth: string(r.Header.Peek(fiber.HeaderWWWAuthenticate)), allow: string(r.Header.Peek(fiber.HeaderAllow)),
		noStore: string(r.Header.Peek(fiber.HeaderCacheControl)) == "no-store" &&
			string(r.Header.Peek(fiber.HeaderPragma)) == "no-cache"}
}

var (
	errClient = &core.Error{Code: core.ErrInvalidClient, Reason: core.ReasonClientAuthFailed, Description: "Bad client."}
	errGrant  = &core.Error{Code: core.ErrInvalidGrant, Reason: core.ReasonCodeUnknown, Description: "Bad code."}
	errToken  = &core.Error{Code: core.ErrInvalidToken, Reason: core.ReasonTokenInvalid, Description: "Bad token."}
	errScope  = &core.Error{Code: core.ErrInsufficientScope, Reason: core.ReasonInsufficientScope, Description: "No openid."}
	errDown   = core.AsError(nil)
)

func TestRenderers(t *testing.T) {
	t.Parallel()
	const down = "The service is temporarily unavailable, try again."
	for _, tc := range []struct {
		name   string
		accept string
		render func(c *fiber.Ctx) error
		want   answer
	}{
		{"RFC, invalid_client", "", func(c *fiber.Ctx) error { return renderRFC(c, errClient) },
			answer{status: 401, body: `{"error":"invalid_client","error_description":"Bad client."}`,
				wwwAuth: `Basic realm="oauthd"`, noStore: true}},
		{"RFC, invalid_grant", "", func(c *fiber.Ctx) error { return renderRFC(c, errGrant) },
			answer{status: 400, body: `{"error":"invalid_grant","error_description":"Bad code."}`, noStore: true}},
		{"RFC, outage", "", func(c *fiber.Ctx) error { return renderRFC(c, errDown) },
			answer{status: 503, body: `{"error":"temporarily_unavailable","error_description":"` + down + `"}`, noStore: true}},
		{"Frappe shape", "application/json", func(c *fiber.Ctx) error { return renderOAuth(c, errGrant) },
			answer{status: 400, body: `{"description":"Bad code.","status_code":400,"error":"invalid_grant"}`}},
		{"Frappe shape, forced status", "", func(c *fiber.Ctx) error {
			return renderOAuthStatus(c, fiber.StatusForbidden, invalidRequest("No CSRF."))
		}, answer{status: 403, body: `{"description":"No CSRF.","status_code":403,"error":"invalid_request"}`}},
		{"bearer, invalid_token", "", func(c *fiber.Ctx) error { return renderBearer(c, errToken) },
			answer{status: 401, body: `{"description":"Bad token.","status_code":401,"error":"invalid_token"}`,
				wwwAuth: `Bearer error="invalid_token"`}},
		{"bearer, insufficient_scope", "", func(c *fiber.Ctx) error { return renderBearer(c, errScope) },
			answer{status: 403, body: `{"description":"No openid.","status_code":403,"error":"insufficient_scope"}`,
				wwwAuth: `Bearer error="insufficient_scope"`}},
		{"bearer, outage", "", func(c *fiber.Ctx) error { return renderBearer(c, errDown) },
			answer{status: 503, body: `{"description":"` + down + `","status_code":503,"error":"temporarily_unavailable"}`}},
		{"message", "", func(c *fiber.Ctx) error { return message(c, 200, "success") },
			answer{status: 200, body: `{"message":"success"}`}},
		{"message error", "", func(c *fiber.Ctx) error { return messageError(c, errDown) },
			answer{status: 503, body: `{"error":"temporarily_unavailable","message":"` + down + `"}`}},
		{"revoke, bad client", "", func(c *fiber.Ctx) error { return revokeFailed(c, errClient) },
			answer{status: 401, body: `{"message":"unauthorized"}`, wwwAuth: `Basic realm="oauthd"`}},
		{"revoke, outage", "", func(c *fiber.Ctx) error { return revokeFailed(c, errDown) },
			answer{status: 503, body: `{"error":"temporarily_unavailable","message":"` + down + `"}`}},
		{"revoke, other", "", func(c *fiber.Ctx) error { return revokeFailed(c, invalidRequest("x")) },
			answer{status: 400, body: `{"message":"bad request"}`}},
		{"token endpoint, GET", "", tokenMethodNotAllowed,
			answer{status: 400, body: `{"error":"invalid_request","error_description":"Unsupported request method GET."}`,
				noStore: true}},
		{"other endpoint, GET", "", methodNotAllowed,
			answer{status: 405, body: `{"description":"Unsupported request method GET.","status_code":405,"error":"invalid_request"}`}},
	} {
		c := adaptertest.Ctx(t, fiber.MethodGet, "/", "", fiber.HeaderAccept, tc.accept)
		if err := tc.render(c); err != nil {
			t.Fatal(err)
		}
		got := answerOf(c)
		tc.want.ctype = fiber.MIMEApplicationJSON
		if got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

func TestRenderOAuthForBrowser(t *testing.T) {
	t.Parallel()
	c := adaptertest.Ctx(t, fiber.MethodGet, "/", "", fiber.HeaderAccept, "text/html,*/*;q=0.8")
	if err := renderOAuth(c, invalidRequest(`Bad <script>x</script>`)); err != nil {
		t.Fatal(err)
	}
	got := answerOf(c)
	if got.status != 400 || got.ctype != fiber.MIMETextHTMLCharsetUTF8 || strings.Contains(got.body, "<script>") ||
		!strings.Contains(got.body, "<title>Bad Request</title>") || !strings.Contains(got.body, "Bad &lt;script&gt;") {
		t.Errorf("browser error: %+v", got)
	}
}

func TestOnly(t *testing.T) {
	t.Parallel()
	h := only(func(c *fiber.Ctx) error { return c.SendString("ok") }, methodNotAllowed, fiber.MethodGet, fiber.MethodPost)
	for _, tc := range []struct {
		method string
		status int
		allow  string
	}{
		{fiber.MethodGet, 200, ""},
		{fiber.MethodPost, 200, ""},
		{fiber.MethodPut, 405, "GET, POST"},
		{fiber.MethodDelete, 405, "GET, POST"},
	} {
		c := adaptertest.Ctx(t, tc.method, "/", "")
		if err := h(c); err != nil {
			t.Fatal(err)
		}
		if got := answerOf(c); got.status != tc.status || got.allow != tc.allow {
			t.Errorf("%s: %+v", tc.method, got)
		}
	}
}

// message writes plain messages itself: the bytes must be encoding/json's for any message.
func TestMessageIsJSON(t *testing.T) {
	t.Parallel()
	for _, msg := range []string{"", "ada@example.com", `a"b`, `back\slash`, "<b>&amp;</b>", "tab\there",
		"Zoë", "line\u2028sep", "\x7f", "~ !#$%'()*+,-./:;=?@[]^_`{|}"} {
		c := adaptertest.Ctx(t, fiber.MethodGet, "/", "")
		if err := message(c, 201, msg); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(map[string]string{"message": msg})
		if got := answerOf(c); got.body != string(want) || got.status != 201 || got.ctype != fiber.MIMEApplicationJSON {
			t.Errorf("message %q: %+v, want body %s", msg, got, want)
		}
	}
}
