package tests

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// badCase is one malformed request, written raw so that anything (duplicate headers, control
// characters, bytes that are not UTF-8, wrong lengths) can be sent.
type badCase struct {
	name   string
	method string   // GET when empty
	target string   // path and query
	header []string // "Name: value" lines
	body   string
	shape  badShape
}

// badShape checks the body of a 4xx answer; it returns "" when the body fits.
type badShape func(r *Resp) string

// badKeys wants a JSON object with every key.
func badKeys(keys ...string) badShape {
	return func(r *Resp) string {
		if r.JSON == nil {
			return "not a JSON object"
		}
		for _, k := range keys {
			if _, ok := r.JSON[k]; !ok {
				return fmt.Sprintf("JSON without %q", k)
			}
		}
		return ""
	}
}

// badFrappeOAuth wants one of Frappe's OAuth error shapes: RFC 6749 {"error",
// "error_description"} or its generate_json_error_response {"error","description","status_code"}.
func badFrappeOAuth(r *Resp) string {
	if msg := badKeys("error")(r); msg != "" {
		return msg
	}
	if _, ok := r.JSON["error"].(string); !ok {
		return `"error" is not a string`
	}
	_, rfc := r.JSON["error_description"]
	_, frappe := r.JSON["description"]
	if !rfc && !frappe {
		return `JSON with neither "error_description" nor "description"`
	}
	return ""
}

// badFrappeMessage wants Frappe's {"message": ...} envelope (login and revoke answers).
func badFrappeMessage(r *Resp) string { return badKeys("message")(r) }

// badOdoo wants the restapi module's {"code": <the status>, "message": ...}.
func badOdoo(r *Resp) string {
	if msg := badKeys("code", "message")(r); msg != "" {
		return msg
	}
	if r.JSON["code"] != float64(r.Status) {
		return fmt.Sprintf(`"code" is %v, not the status %d`, r.JSON["code"], r.Status)
	}
	return ""
}

// badServer wants the server-wide error shape (limits, unknown routes): {"error","message"}.
func badServer(r *Resp) string { return badKeys("error", "message")(r) }

// badJSONRPC wants a JSON-RPC 2.0 error envelope (Odoo's /web/session/* calls).
func badJSONRPC(r *Resp) string {
	if msg := badKeys("jsonrpc", "error")(r); msg != "" {
		return msg
	}
	if e, ok := r.JSON["error"].(map[string]any); !ok || e["code"] == nil || e["message"] == nil {
		return `"error" is not an object with "code" and "message"`
	}
	return ""
}

// badAny accepts any body: the request is too broken for any dialect to claim it.
func badAny(*Resp) string { return "" }

// badRequest renders a case as raw HTTP/1.1 with Connection: close.
func (c badCase) raw() []byte {
	method := c.method
	if method == "" {
		method = http.MethodGet
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, c.target)
	chunked := false
	for _, h := range c.header {
		b.WriteString(h + "\r\n")
		chunked = chunked || strings.HasPrefix(strings.ToLower(h), "transfer-encoding:")
	}
	if !chunked && (c.body != "" || method == http.MethodPost) {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(c.body))
	}
	b.WriteString("\r\n")
	b.WriteString(c.body)
	return []byte(b.String())
}

const (
	badForm = "Content-Type: application/x-www-form-urlencoded"
	badJSON = "Content-Type: application/json"
)

// badCases are the malformed requests, built for a user and a client that exist, a live
// session cookie and a live access token (so that only the malformation can fail them).
func badCases(f *resFlow, sid, access string) []badCase {
	id, secret := url.QueryEscape(f.Client.ID), url.QueryEscape(f.Client.Secret)
	redirect := url.QueryEscape(f.Redirect)
	email, pwd := url.QueryEscape(f.Email), url.QueryEscape(f.Password)
	cookie := "Cookie: sid=" + sid
	huge := strings.Repeat("s", 20<<10)
	big := strings.Repeat("b", 8<<10)
	oversized := "grant_type=authorization_code&code=" + strings.Repeat("c", 80<<10)
	tokenCreds := "&client_id=" + id + "&client_secret=" + secret
	codeGrant := "grant_type=authorization_code&redirect_uri=" + redirect + tokenCreds
	authorize := func(q string) string { return resFrappeAuthorize + "?" + q }
	odooAuthorize := func(q string) string { return resOdooAuthorize + "?" + q }
	valid := "client_id=" + id + "&response_type=code&redirect_uri=" + redirect + "&scope=all&state=s1"
	chunk := fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(oversized), oversized)

	return []badCase{
		// Frappe login.
		{name: "login: missing pwd", method: "POST", target: resFrappeLogin, header: []string{badForm},
			body: "usr=" + email, shape: badFrappeMessage},
		{name: "login: wrong password", method: "POST", target: resFrappeLogin, header: []string{badForm},
			body: "usr=" + email + "&pwd=wrong-password", shape: badFrappeMessage},
		{name: "login: usr given twice, second one right", method: "POST", target: resFrappeLogin,
			header: []string{badForm}, body: "usr=nobody%40example.com&usr=" + email + "&pwd=" + pwd, shape: badFrappeMessage},
		{name: "login: usr not UTF-8", method: "POST", target: resFrappeLogin, header: []string{badForm},
			body: "usr=%FF%FEada&pwd=" + pwd, shape: badFrappeMessage},
		{name: "login: null byte in usr", method: "POST", target: resFrappeLogin, header: []string{badForm},
			body: "usr=ada%00%40example.com&pwd=" + pwd, shape: badFrappeMessage},
		{name: "login: truncated JSON", method: "POST", target: resFrappeLogin, header: []string{badJSON},
			body: `{"usr": "` + f.Email + `", "pwd": `, shape: badFrappeMessage},
		{name: "login: JSON array", method: "POST", target: resFrappeLogin, header: []string{badJSON},
			body: `["` + f.Email + `", "` + f.Password + `"]`, shape: badFrappeMessage},
		{name: "login: GET with a wrong password", target: resFrappeLogin + "?usr=" + email + "&pwd=nope",
			shape: badFrappeMessage},

		// Frappe authorize, logged in, so that only the parameters can fail it.
		{name: "authorize: no client_id", target: authorize("response_type=code&redirect_uri=" + redirect),
			header: []string{cookie}, shape: badFrappeOAuth},
		{name: "authorize: unknown client_id", target: authorize("client_id=no-such-client&response_type=code&redirect_uri=" + redirect),
			header: []string{cookie}, shape: badFrappeOAuth},
		{name: "authorize: redirect_uri not registered", target: authorize("client_id=" + id +
			"&response_type=code&redirect_uri=" + url.QueryEscape("https://evil.example/cb")),
			header: []string{cookie}, shape: badFrappeOAuth},
		{name: "authorize: client_id given twice", target: authorize(valid + "&client_id=other-client"),
			header: []string{cookie}, shape: badFrappeOAuth},
		{name: "authorize: redirect_uri given twice", target: authorize(valid + "&redirect_uri=" + redirect),
			header: []string{cookie}, shape: badFrappeOAuth},
		{name: "authorize: redirect_uri not UTF-8", target: authorize("client_id=" + id +
			"&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fc%FF"), header: []string{cookie}, shape: badFrappeOAuth},
		{name: "authorize: null byte in client_id", target: authorize("client_id=" + id +
			"%00&response_type=code&redirect_uri=" + redirect), header: []string{cookie}, shape: badFrappeOAuth},
		{name: "authorize: 20 KiB state (request line over the header limit)", target: authorize(valid + huge),
			header: []string{cookie}, shape: badServer},
		{name: "authorize: 8 KiB state, unknown client", target: authorize("client_id=nope&response_type=code&state=" + big),
			header: []string{cookie}, shape: badFrappeOAuth},

		// Frappe get_token.
		{name: "get_token: GET", target: resFrappeToken + "?" + codeGrant + "&code=abc", shape: badFrappeOAuth},
		{name: "get_token: empty body", method: "POST", target: resFrappeToken, header: []string{badForm},
			shape: badFrappeOAuth},
		{name: "get_token: no code", method: "POST", target: resFrappeToken, header: []string{badForm},
			body: codeGrant, shape: badFrappeOAuth},
		{name: "get_token: unknown grant_type", method: "POST", target: resFrappeToken, header: []string{badForm},
			body: "grant_type=magic" + tokenCreds, shape: badFrappeOAuth},
		{name: "get_token: garbage code", method: "POST", target: resFrappeToken, header: []string{badForm},
			body: codeGrant + "&code=" + strings.Repeat("Z", 40), shape: badFrappeOAuth},
		{name: "get_token: code given twice", method: "POST", target: resFrappeToken, header: []string{badForm},
			body: codeGrant + "&code=aaa&code=bbb", shape: badFrappeOAuth},
		{name: "get_token: grant_type given twice", method: "POST", target: resFrappeToken, header: []string{badForm},
			body: codeGrant + "&code=aaa&grant_type=client_credentials", shape: badFrappeOAuth},
		{name: "get_token: JSON body", method: "POST", target: resFrappeToken, header: []string{badJSON},
			body: `{"grant_type":"authorization_code","code":"x","client_id":"` + f.Client.ID + `"}`, shape: badFrappeOAuth},
		{name: "get_token: form body labelled text/plain", method: "POST", target: resFrappeToken,
			header: []string{"Content-Type: text/plain"}, body: codeGrant + "&code=abc", shape: badFrappeOAuth},
		{name: "get_token: no Content-Type", method: "POST", target: resFrappeToken, body: codeGrant + "&code=abc",
			shape: badFrappeOAuth},
		{name: "get_token: wrong client_secret", method: "POST", target: resFrappeToken, header: []string{badForm},
			body: "grant_type=authorization_code&code=abc&client_id=" + id + "&client_secret=wrong", shape: badFrappeOAuth},
		{name: "get_token: unknown client_id", method: "POST", target: resFrappeToken, header: []string{badForm},
			body: "grant_type=authorization_code&code=abc&client_id=ghost&client_secret=x", shape: badFrappeOAuth},
		{name: "get_token: another client_id in the query (never read)", method: "POST",
			target: resFrappeToken + "?client_id=other", header: []string{badForm}, body: codeGrant + "&code=abc",
			shape: badFrappeOAuth},
		{name: "get_token: code not UTF-8", method: "POST", target: resFrappeToken, header: []string{badForm},
			body: codeGrant + "&code=%C3%28%A0%A1", shape: badFrappeOAuth},
		{name: "get_token: null byte in client_secret", method: "POST", target: resFrappeToken,
			header: []string{badForm}, body: "grant_type=authorization_code&code=abc&client_id=" + id +
				"&client_secret=" + secret + "%00", shape: badFrappeOAuth},
		{name: "get_token: broken percent-encoding", method: "POST", target: resFrappeToken,
			header: []string{badForm}, body: codeGrant + "&code=%ZZ%", shape: badFrappeOAuth},
		{name: "get_token: Basic header not base64", method: "POST", target: resFrappeToken,
			header: []string{badForm, "Authorization: Basic !!!not-base64!!!"}, body: codeGrant + "&code=abc",
			shape: badFrappeOAuth},
		{name: "get_token: multipart with a broken boundary", method: "POST", target: resFrappeToken,
			header: []string{"Content-Type: multipart/form-data; boundary=xyz"}, body: "--abc\r\ngarbage",
			shape: badKeys("error")},
		{name: "get_token: body over 64 KiB", method: "POST", target: resFrappeToken, header: []string{badForm},
			body: oversized, shape: badServer},
		{name: "get_token: chunked body over 64 KiB", method: "POST", target: resFrappeToken,
			header: []string{badForm, "Transfer-Encoding: chunked"}, body: chunk, shape: badServer},

		// Frappe revoke, introspect, resources.
		{name: "revoke_token: no token", method: "POST", target: resFrappeRevoke, header: []string{badForm},
			shape: badFrappeMessage},
		{name: "revoke_token: token given twice", method: "POST", target: resFrappeRevoke,
			header: []string{badForm}, body: "token=aaa&token=bbb", shape: badFrappeMessage},
		{name: "introspect_token: token given twice", method: "POST", target: resFrappeIntrospect,
			header: []string{badForm}, body: "token=aaa&token=bbb", shape: badFrappeOAuth},
		{name: "get_logged_user: no credentials", target: resFrappeLoggedUser, shape: badFrappeOAuth},
		{name: "get_logged_user: garbage bearer", target: resFrappeLoggedUser,
			header: []string{"Authorization: Bearer " + strings.Repeat("x", 40)}, shape: badFrappeOAuth},
		{name: "get_logged_user: empty bearer", target: resFrappeLoggedUser, header: []string{"Authorization: Bearer "},
			shape: badFrappeOAuth},
		{name: "get_logged_user: bearer of two words", target: resFrappeLoggedUser,
			header: []string{"Authorization: Bearer " + access + " " + access}, shape: badFrappeOAuth},
		{name: "get_logged_user: control character in the token", target: resFrappeLoggedUser,
			header: []string{"Authorization: Bearer " + access[:10] + "\x01" + access[10:]}, shape: badFrappeOAuth},
		{name: "get_logged_user: two Authorization headers", target: resFrappeLoggedUser,
			header: []string{"Authorization: Bearer " + strings.Repeat("g", 40), "Authorization: Bearer " + access},
			shape:  badFrappeOAuth},
		{name: "get_logged_user: two Authorization headers, the valid one first", target: resFrappeLoggedUser,
			header: []string{"Authorization: Bearer " + access, "Authorization: Bearer " + strings.Repeat("g", 40)},
			shape:  badFrappeOAuth},
		{name: "get_logged_user: misspelt header with a garbage token", target: resFrappeLoggedUser,
			header: []string{"Authorizaton: Bearer " + strings.Repeat("q", 40)}, shape: badFrappeOAuth},
		{name: "get_logged_user: header over 16 KiB", target: resFrappeLoggedUser,
			header: []string{"X-Padding: " + huge}, shape: badServer},
		{name: "openid_profile: garbage bearer", target: resFrappeProfile,
			header: []string{"Authorization: Bearer not-a-token"}, shape: badFrappeOAuth},
		{name: "openid_profile: DELETE", method: "DELETE", target: resFrappeProfile,
			header: []string{"Authorization: Bearer " + access}, shape: badFrappeOAuth},

		// Odoo restapi OAuth 2.
		{name: "odoo access_token: no parameters", method: "POST", target: resOdooToken, header: []string{badForm},
			shape: badOdoo},
		{name: "odoo access_token: wrong client_secret", method: "POST", target: resOdooToken,
			header: []string{badForm}, body: "grant_type=authorization_code&code=abc&client_id=" + id + "&client_secret=nope",
			shape: badOdoo},
		{name: "odoo access_token: garbage code", method: "POST", target: resOdooToken, header: []string{badForm},
			body: codeGrant + "&code=" + strings.Repeat("Q", 32), shape: badOdoo},
		{name: "odoo access_token: JSON body", method: "POST", target: resOdooToken, header: []string{badJSON},
			body:  `{"client_id":"` + f.Client.ID + `","client_secret":"` + f.Client.Secret + `","grant_type":"authorization_code","code":"x"}`,
			shape: badOdoo},
		{name: "odoo access_token: OAuth header with an unterminated quote", method: "POST", target: resOdooToken,
			header: []string{badForm, "Authorization: OAuth client_id='" + f.Client.ID + "', client_secret='" + f.Client.Secret},
			body:   "grant_type=authorization_code&code=abc", shape: badOdoo},
		{name: "odoo access_token: OAuth header naming a parameter twice", method: "POST", target: resOdooToken,
			header: []string{badForm, "Authorization: OAuth client_id='" + f.Client.ID + "', client_id='" + f.Client.ID +
				"', client_secret='" + f.Client.Secret + "'"}, body: "grant_type=authorization_code&code=abc", shape: badOdoo},
		{name: "odoo access_token: OAuth header and body disagree", method: "POST", target: resOdooToken,
			header: []string{badForm, "Authorization: OAuth client_id='other', client_secret='" + f.Client.Secret + "'"},
			body:   codeGrant + "&code=abc", shape: badOdoo},
		{name: "odoo access_token: OAuth header with a bad escape", method: "POST", target: resOdooToken,
			header: []string{badForm, "Authorization: OAuth client_id=" + f.Client.ID + "%G1, client_secret=x"},
			body:   "grant_type=authorization_code&code=abc", shape: badOdoo},
		{name: "odoo access_token: grant_type password", method: "POST", target: resOdooToken,
			header: []string{badForm}, body: "grant_type=password&username=" + email + "&password=" + pwd + tokenCreds,
			shape: badOdoo},
		{name: "odoo access_token: no grant_type", method: "POST", target: resOdooToken, header: []string{badForm},
			body: strings.TrimPrefix(tokenCreds, "&"), shape: badOdoo},
		{name: "odoo access_token: client_credentials not allowed for the client", method: "POST",
			target: resOdooToken, header: []string{badForm}, body: "grant_type=client_credentials" + tokenCreds,
			shape: badOdoo},
		{name: "odoo access_token: garbage refresh_token", method: "POST", target: resOdooToken,
			header: []string{badForm}, body: "grant_type=refresh_token&refresh_token=garbage" + tokenCreds, shape: badOdoo},
		{name: "odoo access_token: client_id not UTF-8", method: "POST", target: resOdooToken,
			header: []string{badForm}, body: "grant_type=authorization_code&code=abc&client_id=%FF%FF&client_secret=x",
			shape: badOdoo},
		{name: "odoo access_token: null byte in client_secret", method: "POST", target: resOdooToken,
			header: []string{badForm}, body: "grant_type=authorization_code&code=abc&client_id=" + id +
				"&client_secret=%00" + secret, shape: badOdoo},
		{name: "odoo access_token: body over 64 KiB", method: "POST", target: resOdooToken, header: []string{badForm},
			body: oversized, shape: badServer},
		{name: "odoo access_token: header over 16 KiB", method: "POST", target: resOdooToken,
			header: []string{badForm, "Authorization: OAuth client_id='" + huge + "'"}, body: "grant_type=x", shape: badServer},
		{name: "odoo userinfo: no token", target: resOdooUserinfo, shape: badOdoo},
		{name: "odoo userinfo: two Authorization headers, the valid one first", target: resOdooUserinfo,
			header: []string{"Authorization: Bearer " + access, "Authorization: Bearer " + strings.Repeat("g", 40)},
			shape:  badOdoo},
		{name: "odoo userinfo: garbage bearer", target: resOdooUserinfo,
			header: []string{"Authorization: Bearer " + strings.Repeat("y", 32)}, shape: badOdoo},
		{name: "odoo userinfo: OAuth header with an unterminated quote", target: resOdooUserinfo,
			header: []string{"Authorization: OAuth access_token='" + access}, shape: badOdoo},
		{name: "odoo userinfo: access_token given twice", target: resOdooUserinfo + "?access_token=" + access +
			"&access_token=" + strings.Repeat("z", 40), shape: badOdoo},
		{name: "odoo revoke: no token", method: "POST", target: resOdooRevoke, header: []string{badForm},
			body: strings.TrimPrefix(tokenCreds, "&"), shape: badOdoo},
		{name: "odoo authorize: unknown client_id", target: odooAuthorize("client_id=ghost&response_type=code&redirect_uri=" + redirect),
			header: []string{cookie}, shape: badOdoo},
		{name: "odoo authorize: redirect_uri not registered", target: odooAuthorize("client_id=" + id +
			"&response_type=code&redirect_uri=" + url.QueryEscape("https://evil.example/cb")), header: []string{cookie}, shape: badOdoo},
		{name: "odoo authorize: client_id given twice", target: odooAuthorize(valid + "&client_id=ghost"),
			header: []string{cookie}, shape: badOdoo},
		{name: "odoo session/authenticate: truncated JSON", method: "POST", target: resOdooSessionAuth,
			header: []string{badJSON}, body: `{"jsonrpc":"2.0","params":{"login":"` + f.Email + `",`, shape: badJSONRPC},
		{name: "odoo session/authenticate: form body", method: "POST", target: resOdooSessionAuth,
			header: []string{badForm}, body: "login=" + email + "&password=" + pwd, shape: badJSONRPC},

		// Neither dialect.
		{name: "unknown method on get_token", method: "BREW", target: resFrappeToken, shape: badAny},
		{name: "null byte in the path", target: "/api/method/frappe.auth.get_logged_user%00", shape: badServer},
	}
}

// TestBadInputAnswers4xxInDialectShapeAndWritesNothing sends every malformed request in the
// table: each must get a 4xx (never a 5xx) in its dialect's error shape, and leave every table
// as it was.
func TestBadInputAnswers4xxInDialectShapeAndWritesNothing(t *testing.T) {
	s := StartServer(t)
	f := resSetupFlow(t, s)
	access, _ := f.Tokens(t, s.URL)
	sid := badCookie(t, f, s.URL, "sid")
	h := serverSQL(t, s)

	cases := badCases(f, sid, access)
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		before := resCounts(t, h)
		r, err := resRaw(s.URL, c.raw())
		after := resCounts(t, h)
		t.Logf("%s: %v", c.name, r)
		switch {
		case err != nil:
			t.Errorf("%s: no answer: %v", c.name, err)
		case r.Status < 400 || r.Status > 499:
			t.Errorf("%s: %s, want a 4xx", c.name, r)
		default:
			if msg := c.shape(r); msg != "" {
				t.Errorf("%s: %s: %s", c.name, r, msg)
			}
		}
		if diff := resCountsDiff(before, after); diff != "" {
			t.Errorf("%s: the database changed: %s", c.name, diff)
		}
	}
	resAlive(t, s)

	// Nothing above disturbed the good paths.
	if r, err := resGet(NoRedirect, s.URL+resFrappeLoggedUser, access); err != nil || r.Status != http.StatusOK {
		t.Errorf("the access token after the bad input: %v %v", r, err)
	}
	f.Tokens(t, s.URL)
}

// badCookie returns the value of the browser's cookie name for base.
func badCookie(t *testing.T, f *resFlow, base, name string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Browser.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	t.Fatalf("the logged-in browser has no %s cookie", name)
	return ""
}
