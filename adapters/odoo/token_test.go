package odoo

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/adaptertest"
	"oauthd/core"
)

func TestValidity(t *testing.T) {
	t.Parallel()
	at := time.Date(2017, 7, 20, 12, 0, 5, 0, time.UTC)
	res := &core.TokenResult{ExpiresIn: 1800, ExpiresAt: at}
	elsewhere := &core.TokenResult{ExpiresIn: 1800, ExpiresAt: at.In(time.FixedZone("X", -7*3600))}
	for _, tc := range []struct {
		mode        string
		headerStyle bool
		res         *core.TokenResult
		want        any
	}{
		{"auto", true, res, "7/20/2017 12:00:05"},
		{"auto", true, elsewhere, "7/20/2017 12:00:05"},
		{"auto", false, res, int64(1800)},
		{"datetime", false, res, "7/20/2017 12:00:05"},
		{"datetime", true, elsewhere, "7/20/2017 12:00:05"},
		{"seconds", true, res, int64(1800)},
		{"seconds", false, res, int64(1800)},
		{"", true, res, "7/20/2017 12:00:05"},
	} {
		h := &handler{opt: Options{ValidityFormat: tc.mode}}
		if got := h.validity(tc.res, tc.headerStyle); got != tc.want {
			t.Errorf("validity(%q, header=%v) = %#v, want %#v", tc.mode, tc.headerStyle, got, tc.want)
		}
	}
	late := &core.TokenResult{ExpiresAt: time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC)}
	if got := (&handler{}).validity(late, true); got != "12/31/2024 23:59:59" {
		t.Errorf("two-digit month and day: %v", got)
	}
}

func TestTokenFailure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code    string
		reason  core.Reason
		status  int
		message string // "" means the core's description
	}{
		{core.ErrTemporarilyUnavailable, core.ReasonUnavailable, 503, "Service Unavailable"},
		{core.ErrInvalidClient, core.ReasonClientUnknown, 401, "Invalid Credentials."},
		{core.ErrInvalidClient, core.ReasonClientAuthFailed, 401, "Invalid Credentials."},
		{core.ErrInvalidGrant, core.ReasonCodeUnknown, 401, "Invalid Authentication Code."},
		{core.ErrInvalidGrant, core.ReasonCodeWrongClient, 401, "Invalid Authentication Code."},
		{core.ErrInvalidGrant, core.ReasonCodeUsed, 400, "Authentication code expired"},
		{core.ErrInvalidGrant, core.ReasonCodeExpired, 400, "Authentication code expired"},
		{core.ErrInvalidGrant, core.ReasonRefreshInvalid, 400, "Invalid Refresh Token."},
		{core.ErrInvalidGrant, core.ReasonRefreshReused, 400, "Invalid Refresh Token."},
		{core.ErrInvalidGrant, core.ReasonCodeMismatch, 400, "redirect uri mismatch."},
		{core.ErrInvalidGrant, core.ReasonPKCE, 400, ""},
		{core.ErrUnauthorizedClient, core.ReasonGrantNotAllowed, 400, "Invalid Credentials."},
		{core.ErrInvalidScope, core.ReasonScope, 400, ""},
		{core.ErrUnsupportedGrantType, core.ReasonBadParameter, 400, "Invalid Credentials."},
		{core.ErrInvalidRequest, core.ReasonBadParameter, 400, ""},
	} {
		e := &core.Error{Code: tc.code, Reason: tc.reason, Description: "desc of " + tc.code}
		f := tokenFailure(e)
		want := tc.message
		if want == "" {
			want = e.Description
		}
		if f.status != tc.status || f.message != want || f.oauthCode != tc.code || f.description != e.Description {
			t.Errorf("%s/%d: got %+v, want %d %q", tc.code, tc.reason, f, tc.status, want)
		}
	}
	// The module treated a missing code or refresh token as an unknown one.
	for reason, want := range map[core.Reason]failure{
		core.ReasonCodeMissing:    {status: 401, message: "Invalid Authentication Code.", oauthCode: core.ErrInvalidGrant},
		core.ReasonRefreshMissing: {status: 400, message: "Invalid Refresh Token.", oauthCode: core.ErrInvalidGrant},
	} {
		want.description = "Missing it."
		got := tokenFailure(&core.Error{Code: core.ErrInvalidRequest, Reason: reason, Description: want.description})
		if *got != want {
			t.Errorf("reason %d: got %+v, want %+v", reason, got, want)
		}
	}
}

func TestTokenErrorChallenge(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code  string
		basic bool
		want  string
	}{
		{core.ErrInvalidClient, true, `Basic realm="oauthd"`},
		{core.ErrInvalidClient, false, ""},
		{core.ErrInvalidGrant, true, ""},
	} {
		c := adaptertest.Ctx(t, fiber.MethodPost, "/", "")
		if err := tokenError(c, &core.Error{Code: tc.code, Description: "d"}, tc.basic); err != nil {
			t.Fatal(err)
		}
		if got := string(c.Response().Header.Peek(fiber.HeaderWWWAuthenticate)); got != tc.want {
			t.Errorf("%s basic=%v: WWW-Authenticate %q, want %q", tc.code, tc.basic, got, tc.want)
		}
	}
}

func TestRenderOutcome(t *testing.T) {
	t.Parallel()
	a := &core.Authorization{RedirectURI: "http://127.0.0.1:9000/cb", State: "st"}
	scope := &core.Error{Code: core.ErrInvalidScope, Reason: core.ReasonScope, Description: "bad scope", Redirectable: true}
	for _, tc := range []struct {
		name     string
		a        *core.Authorization
		err      *core.Error
		api      bool
		status   int
		message  string
		location string
	}{
		{"outage", nil, &core.Error{Code: core.ErrTemporarilyUnavailable, Reason: core.ReasonUnavailable}, false,
			503, "Service Unavailable", ""},
		{"redirect mismatch", nil, &core.Error{Code: core.ErrInvalidRequest, Reason: core.ReasonRedirectMismatch}, false,
			400, "redirect uri mismatch.", ""},
		{"unknown client", nil, &core.Error{Code: core.ErrInvalidClient, Reason: core.ReasonClientUnknown}, false,
			401, "Invalid Credentials.", ""},
		{"redirectable without authorization", nil, scope, false, 401, "Invalid Credentials.", ""},
		{"redirectable, data caller", a, scope, true, 400, "bad scope", ""},
		{"redirectable, browser", a, scope, false, 302, "",
			"http://127.0.0.1:9000/cb?error=invalid_scope&error_description=bad+scope&state=st"},
	} {
		c := adaptertest.Ctx(t, fiber.MethodGet, "/", "")
		o := core.Outcome{Kind: core.OutcomeFail, Authorization: tc.a, Err: tc.err}
		if tc.err.Redirectable && tc.a != nil {
			o.Redirect = tc.a.ErrorRedirect(tc.err)
		}
		if err := renderOutcome(c, o, tc.api); err != nil {
			t.Fatal(err)
		}
		r := c.Response()
		var body struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(r.Body(), &body)
		loc := string(r.Header.Peek(fiber.HeaderLocation))
		if r.StatusCode() != tc.status || body.Message != tc.message || loc != tc.location {
			t.Errorf("%s: %d %q Location %q, want %d %q %q", tc.name, r.StatusCode(), body.Message, loc,
				tc.status, tc.message, tc.location)
		}
		if tc.status != 302 && body.Code != tc.status {
			t.Errorf("%s: body code %d", tc.name, body.Code)
		}
	}
}

func TestAsksForData(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		accept string
		want   bool
	}{
		{"application/json", true},
		{"application/xml", true},
		{"Text/XML", true},
		{"application/json, text/plain, */*", true},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
		{"*/*", false},
		{"", false},
	} {
		c := adaptertest.Ctx(t, fiber.MethodGet, "/", "", fiber.HeaderAccept, tc.accept)
		if got := asksForData(c); got != tc.want {
			t.Errorf("asksForData(%q) = %v, want %v", tc.accept, got, tc.want)
		}
	}
}

func TestPostOnly(t *testing.T) {
	t.Parallel()
	h := postOnly(func(c *fiber.Ctx) error { return c.SendString("ok") })
	for _, method := range []string{fiber.MethodGet, fiber.MethodPut, fiber.MethodDelete, fiber.MethodPost} {
		c := adaptertest.Ctx(t, method, "/", "")
		if err := h(c); err != nil {
			t.Fatal(err)
		}
		r := c.Response()
		if method == fiber.MethodPost {
			if r.StatusCode() != 200 || string(r.Body()) != "ok" {
				t.Errorf("POST: %d %s", r.StatusCode(), r.Body())
			}
			continue
		}
		if r.StatusCode() != 405 || string(r.Header.Peek(fiber.HeaderAllow)) != "POST" ||
			string(r.Body()) != `{"code":405,"error":"invalid_request","error_description":"This endpoint accepts only POST.",`+
				`"message":"Method Not Allowed: use POST."}` {
			t.Errorf("%s: %d Allow %q %s", method, r.StatusCode(), r.Header.Peek(fiber.HeaderAllow), r.Body())
		}
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ version, info, serie string }{
		{"17.0", `[17,0,0,"final",0,""]`, "17.0"},
		{"oauthd-1.0", `[1,0,0,"final",0,""]`, "1.0"},
		{"oauthd-2.13.7", `[2,13,7,"final",0,""]`, "2.13"},
		{"saas~17.2+e", `[17,2,0,"final",0,""]`, "17.2"},
		{"dev", `[0,0,0,"final",0,""]`, "0.0"},
	} {
		h := &handler{opt: Options{ServerVersion: tc.version}}
		c := adaptertest.Ctx(t, fiber.MethodGet, "/", "")
		if err := h.version(c); err != nil {
			t.Fatal(err)
		}
		var got map[string]json.RawMessage
		if err := json.Unmarshal(c.Response().Body(), &got); err != nil {
			t.Fatal(err)
		}
		wantVersion, _ := json.Marshal(tc.version)
		if string(got["server_version_info"]) != tc.info || string(got["server_serie"]) != `"`+tc.serie+`"` ||
			string(got["server_version"]) != string(wantVersion) || string(got["protocol_version"]) != "1" {
			t.Errorf("%q: %s", tc.version, c.Response().Body())
		}
	}
	// The XML edition must be able to write the mixed list.
	h := &handler{opt: Options{ServerVersion: "oauthd-1.0"}}
	c := adaptertest.Ctx(t, fiber.MethodGet, "/", "", fiber.HeaderAccept, "application/xml")
	if err := h.version(c); err != nil || c.Response().StatusCode() != 200 {
		t.Fatalf("XML version: %v %d", err, c.Response().StatusCode())
	}
	want := `<server_version_info type="list"><item type="int">1</item><item type="int">0</item>` +
		`<item type="int">0</item><item type="str">final</item><item type="int">0</item><item type="str"></item>`
	if body := string(c.Response().Body()); !strings.Contains(body, want) {
		t.Errorf("XML version: %s", body)
	}
}
