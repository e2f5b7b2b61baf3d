package tests

// Malformed input never gets a 5xx from the Frappe endpoints, and a database outage gets 503
// in each endpoint's shape.

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestFrappeMalformedInput(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	b := s.frappeLogin(t)
	q := s.frappeQuery().Encode()
	form := "application/x-www-form-urlencoded"
	for _, tc := range []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
	}{
		{"authorize: state not UTF-8", "GET", frappeOAuth + "authorize?" + q + "&x=%FF%FE", "", nil, 400},
		{"authorize: client_id not UTF-8", "GET", frappeOAuth + "authorize?client_id=%C3%28&response_type=code", "", nil, 400},
		{"authorize: broken escapes", "GET", frappeOAuth + "authorize?" + q + "&nonce=%zz%", "", nil, 200},
		{"authorize: nonce of 300 bytes", "GET", frappeOAuth + "authorize?" + q + "&nonce=" + strings.Repeat("n", 300), "", nil, 302},
		{"authorize: huge unknown parameter", "GET", frappeOAuth + "authorize?" + q + "&x=" + strings.Repeat("s", 12000), "", nil, 200},
		{"approve: body not UTF-8", "POST", frappeOAuth + "approve", "client_id=%FF", []string{"Content-Type", form}, 400},
		{"get_token: code not UTF-8", "POST", frappeOAuth + "get_token", "grant_type=authorization_code&code=%FF%FE&client_id=x",
			[]string{"Content-Type", form}, 400},
		{"get_token: client_secret with a NUL", "POST", frappeOAuth + "get_token",
			"grant_type=authorization_code&code=abc&client_id=" + s.client.ID + "&client_secret=a%00b", []string{"Content-Type", form}, 401},
		{"get_token: client_id of 5000 bytes", "POST", frappeOAuth + "get_token",
			"grant_type=client_credentials&client_secret=x&client_id=" + strings.Repeat("c", 5000), []string{"Content-Type", form}, 401},
		{"get_token: Basic of one word", "POST", frappeOAuth + "get_token", "grant_type=client_credentials",
			[]string{"Content-Type", form, "Authorization", "Basic"}, 401},
		{"revoke_token: token not UTF-8", "POST", frappeOAuth + "revoke_token", "token=%FF", []string{"Content-Type", form}, 400},
		{"introspect_token: token not UTF-8", "GET", frappeOAuth + "introspect_token?token=%FF", "", nil, 400},
		{"openid_profile: body token not UTF-8", "POST", frappeOAuth + "openid_profile", "access_token=%FF",
			[]string{"Content-Type", form}, 400},
		{"login: usr not UTF-8", "POST", "/api/method/login", "usr=%FF&pwd=x", []string{"Content-Type", form}, 400},
		{"login: JSON not an object", "POST", "/api/method/login", `["usr"]`, []string{"Content-Type", "application/json"}, 400},
		{"login: invalid UTF-8 in JSON", "POST", "/api/method/login", "{\"usr\":\"\xff\",\"pwd\":\"x\"}",
			[]string{"Content-Type", "application/json"}, 401},
		{"login page: usr not UTF-8", "POST", "/login", "usr=%FF%FE&pwd=x", []string{"Content-Type", form}, 401},
		{"get_logged_user: bearer of 10000 bytes", "GET", frappeLoggedIn, "", []string{"Authorization", "Bearer " + strings.Repeat("t", 10000)}, 401},
		{"get_logged_user: bearer with a tab inside", "GET", frappeLoggedIn, "", []string{"Authorizaton", "Bearer a\tb"}, 401},
		{"authorize: PUT", "PUT", frappeOAuth + "authorize", "", nil, 405},
		{"logout: DELETE", "DELETE", "/api/method/logout", "", nil, 405},
	} {
		var body *strings.Reader
		if tc.body != "" {
			body = strings.NewReader(tc.body)
		}
		req, err := http.NewRequest(tc.method, s.URL+tc.path, nil)
		if body != nil {
			req, err = http.NewRequest(tc.method, s.URL+tc.path, body)
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i := 0; i+1 < len(tc.hdr); i += 2 {
			req.Header[tc.hdr[i]] = []string{tc.hdr[i+1]}
		}
		res, err := b.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.status)
		}
	}
	// A body over server.body_limit is refused from its Content-Length, before it is read.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %sget_token HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: 70000\r\n\r\n", frappeOAuth, form)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("body over the limit: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("body over the limit: status %d, want 413", res.StatusCode)
	}

	// The server survived all of it.
	s.frappeTokens(t, b)
}

// With the database's tables gone, every endpoint answers 503 temporarily_unavailable in its
// own shape, never a 500.
func TestFrappeUnavailable(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, frappeCompatAuth)
	b := s.frappeLogin(t)
	access := s.frappeTokens(t, b).Str("access_token")
	for _, table := range []string{"tokens", "authorization_codes", "sessions"} {
		if _, err := serverSQL(t, s.Server).Exec("DROP TABLE " + table); err != nil {
			t.Fatal(err)
		}
	}
	api := NoRedirect
	code := strings.Repeat("C", 40)
	for _, tc := range []struct {
		name string
		r    *Resp
		keys []string // besides "error"
	}{
		{"get_token", s.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"client_id": {s.client.ID}, "client_secret": {s.client.Secret}}), []string{"error_description"}},
		{"revoke_token", SendForm(t, api, "POST", s.URL+frappeOAuth+"revoke_token", url.Values{"token": {access}}), []string{"message"}},
		{"introspect_token", SendForm(t, api, "POST", s.URL+frappeOAuth+"introspect_token", url.Values{"token": {access}}),
			[]string{"error_description"}},
		{"get_logged_user", s.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", access), []string{"description", "status_code"}},
		{"get_logged_user by session", Send(t, b, "GET", s.URL+frappeLoggedIn, nil), []string{"description"}},
		{"openid_profile", s.frappeBearer(t, "GET", frappeOAuth+"openid_profile", "Authorization", access), []string{"description"}},
		{"test_resource", s.frappeBearer(t, "GET", frappeOAuth+"test_resource", "Authorization", access), []string{"description"}},
		{"authorize", Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+s.frappeQuery().Encode(), nil), []string{"description"}},
		{"approve", SendForm(t, b, "POST", s.URL+frappeOAuth+"approve", url.Values{}), []string{"description"}},
		{"login", SendForm(t, Browser(t), "POST", s.URL+"/api/method/login", url.Values{"usr": {frappeEmail},
			"pwd": {frappePassword}}), []string{"message"}},
		{"logout", SendForm(t, b, "POST", s.URL+"/api/method/logout", url.Values{}), []string{"message"}},
	} {
		frappeExpect(t, tc.name, tc.r, http.StatusServiceUnavailable, map[string]any{"error": "temporarily_unavailable"})
		for _, k := range tc.keys {
			if _, ok := tc.r.JSON[k]; !ok {
				t.Errorf("%s: %s lacks %q", tc.name, tc.r.Raw, k)
			}
		}
	}
}
