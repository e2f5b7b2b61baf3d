package odoo

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"oauthd/core"
)

// paramsApp answers what readParams made of a request, or its failure.
func paramsApp() *fiber.App {
	app := fiber.New()
	app.All("/p", func(c *fiber.Ctx) error {
		p, f := readParams(c)
		if f != nil {
			return fail(c, f)
		}
		return c.JSON(fiber.Map{"values": p.values, "header": p.headerStyle, "basic": p.basic,
			"redirect_uri": p.redirectURI()})
	})
	return app
}

type paramsResult struct {
	Values      map[string]string `json:"values"`
	Header      bool              `json:"header"`
	Basic       bool              `json:"basic"`
	RedirectURI string            `json:"redirect_uri"`
	Message     string            `json:"message"`
	Error       string            `json:"error"`
}

func multipartBody(fields map[string]string) (string, io.Reader) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	_ = w.Close()
	return w.FormDataContentType(), &buf
}

func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

func TestReadParams(t *testing.T) {
	t.Parallel()
	app := paramsApp()
	mpType, mpBody := multipartBody(map[string]string{"client_id": "a", "code": "c"})
	for _, tc := range []struct {
		name, query, auth, ctype string
		body                     io.Reader
		status                   int
		want                     map[string]string // nil: not checked
		header, basic            bool
		message                  string // part of the failure message
	}{
		{name: "nothing", status: 200, want: map[string]string{}},
		{name: "query and form merge", query: "?client_id=a", ctype: fiber.MIMEApplicationForm,
			body: strings.NewReader("code=c"), status: 200, want: map[string]string{"client_id": "a", "code": "c"}},
		{name: "same value twice", query: "?client_id=a&client_id=a", ctype: fiber.MIMEApplicationForm,
			body: strings.NewReader("client_id=a"), status: 200, want: map[string]string{"client_id": "a"}},
		{name: "query vs form conflict", query: "?code=x", ctype: fiber.MIMEApplicationForm,
			body: strings.NewReader("code=y"), status: 400, message: "given twice with different values"},
		{name: "empty vs value conflict", query: "?code=", ctype: fiber.MIMEApplicationForm,
			body: strings.NewReader("code=y"), status: 400, message: "given twice"},
		{name: "repeat within query", query: "?scope=a&scope=b", status: 400, message: "given twice"},
		{name: "OAuth header", auth: `OAuth client_id='a', client_secret="s" grant_type=authorization_code`,
			status: 200, header: true,
			want: map[string]string{"client_id": "a", "client_secret": "s", "grant_type": "authorization_code"}},
		{name: "OAuth header agrees with form", auth: `OAuth client_id='a'`, ctype: fiber.MIMEApplicationForm,
			body: strings.NewReader("client_id=a&code=c"), status: 200, header: true,
			want: map[string]string{"client_id": "a", "code": "c"}},
		{name: "OAuth header contradicts form", auth: `OAuth client_id='a'`, ctype: fiber.MIMEApplicationForm,
			body: strings.NewReader("client_id=b"), status: 400, message: "given twice"},
		{name: "OAuth header contradicts query", auth: `OAuth code='a'`, query: "?code=b", status: 400,
			message: "given twice"},
		{name: "broken OAuth header", auth: `OAuth client_id`, status: 400, message: "Invalid OAuth header"},
		{name: "Basic", auth: basic("a", "s"), ctype: fiber.MIMEApplicationForm,
			body: strings.NewReader("grant_type=client_credentials"), status: 200, basic: true,
			want: map[string]string{"client_id": "a", "client_secret": "s", "grant_type": "client_credentials"}},
		{name: "Basic and form secret", auth: basic("a", "s"), ctype: fiber.MIMEApplicationForm,
			body: strings.NewReader("client_secret=s"), status: 400, message: "HTTP Basic or client_secret, not both"},
		{name: "Basic and query secret", auth: basic("a", "s"), query: "?client_secret=t", status: 400,
			message: "not both"},
		{name: "Basic id contradicts form", auth: basic("a", "s"), ctype: fiber.MIMEApplicationForm,
			body: strings.NewReader("client_id=b"), status: 400, message: "given twice"},
		{name: "Bearer carries no parameters", auth: "Bearer tok", status: 200, want: map[string]string{}},
		{name: "not UTF-8", ctype: fiber.MIMEApplicationForm, body: strings.NewReader("state=%ff"), status: 400,
			message: "A parameter is not valid UTF-8."},
		{name: "media type in any case", ctype: "Application/X-WWW-Form-URLEncoded; charset=UTF-8",
			body: strings.NewReader("code=c"), status: 200, want: map[string]string{"code": "c"}},
		{name: "multipart", ctype: mpType, body: mpBody, status: 200,
			want: map[string]string{"client_id": "a", "code": "c"}},
		{name: "JSON body carries nothing", ctype: fiber.MIMEApplicationJSON,
			body: strings.NewReader(`{"code":"c"}`), status: 200, want: map[string]string{}},
	} {
		req := httptest.NewRequest(fiber.MethodPost, "/p"+tc.query, tc.body)
		if tc.auth != "" {
			req.Header.Set(fiber.HeaderAuthorization, tc.auth)
		}
		if tc.ctype != "" {
			req.Header.Set(fiber.HeaderContentType, tc.ctype)
		}
		got, status := doParams(t, app, req)
		switch {
		case status != tc.status:
			t.Errorf("%s: status %d, want %d (%+v)", tc.name, status, tc.status, got)
		case status != 200:
			if !strings.Contains(got.Message, tc.message) || got.Error != core.ErrInvalidRequest {
				t.Errorf("%s: failure %+v, want message with %q", tc.name, got, tc.message)
			}
		case !maps.Equal(got.Values, tc.want) || got.Header != tc.header || got.Basic != tc.basic:
			t.Errorf("%s: got %+v, want %v header=%v basic=%v", tc.name, got, tc.want, tc.header, tc.basic)
		}
	}
}

func doParams(t *testing.T, app *fiber.App, req *http.Request) (paramsResult, int) {
	t.Helper()
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got paramsResult
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	return got, resp.StatusCode
}

// The module unquotes redirect_uri once more after the form decoding, so single- and
// double-encoded URIs both arrive as the same URI.
func TestRedirectURIExtraDecode(t *testing.T) {
	t.Parallel()
	const uri = "http://127.0.0.1:9000/callback"
	app := paramsApp()
	for _, tc := range []struct{ name, query, want string }{
		{"plain", "redirect_uri=" + uri, uri},
		{"single-encoded", "redirect_uri=http%3A%2F%2F127.0.0.1%3A9000%2Fcallback", uri},
		{"double-encoded", "redirect_uri=http%253A%252F%252F127.0.0.1%253A9000%252Fcallback", uri},
		{"absolute with escapes of its own", "redirect_uri=" + "https%3A%2F%2Fapp.example%2Fcb%3Fnext%3D%252Fhome",
			"https://app.example/cb?next=%2Fhome"},
		{"absent", "", ""},
	} {
		got, status := doParams(t, app, httptest.NewRequest(fiber.MethodGet, "/p?"+tc.query, nil))
		if status != 200 || got.RedirectURI != tc.want {
			t.Errorf("%s: %d redirect_uri %q, want %q", tc.name, status, got.RedirectURI, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{uri, uri},
		{"https://app.example/cb?next=%2Fhome", "https://app.example/cb?next=%2Fhome"},
		{"http%3A%2F%2Fh%2Fcb", "http://h/cb"},
		{"http%3A%2F%2Fh%2Fcb%3Fa%3Db+c", "http://h/cb?a=b+c"}, // like Python's unquote, '+' stays
		{"%zz", "%zz"},
		{"", ""},
	} {
		p := &params{values: map[string]string{"redirect_uri": tc.in}}
		if got := p.redirectURI(); got != tc.want {
			t.Errorf("redirectURI(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := p.authorizeRequest().RedirectURI; got != tc.want {
			t.Errorf("authorizeRequest().RedirectURI for %q = %q", tc.in, got)
		}
	}
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		p    params
		want core.ClientCredentials
	}{
		{"Basic", params{values: map[string]string{"client_id": "a", "client_secret": "s"}, basic: true},
			core.ClientCredentials{ID: "a", Secret: "s", Method: core.AuthBasic}},
		{"Basic with empty secret", params{values: map[string]string{"client_id": "a", "client_secret": ""}, basic: true},
			core.ClientCredentials{ID: "a", Method: core.AuthBasic}},
		{"secret in parameters", params{values: map[string]string{"client_id": "a", "client_secret": "s"}},
			core.ClientCredentials{ID: "a", Secret: "s", Method: core.AuthPost}},
		{"id alone", params{values: map[string]string{"client_id": "a"}},
			core.ClientCredentials{ID: "a", Method: core.AuthNone}},
		{"nothing", params{values: map[string]string{}}, core.ClientCredentials{Method: core.AuthNone}},
	} {
		if got := tc.p.credentials(); got != tc.want {
			t.Errorf("%s: credentials = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
