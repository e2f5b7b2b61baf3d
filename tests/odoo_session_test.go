package tests

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Odoo's JSON-RPC login opens the shared session: the session_id cookie alone is accepted by
// the authorize endpoint, and by the Frappe dialect's login check.
func TestOdooSessionAuthenticate(t *testing.T) {
	e := odooSetup(t)
	hc := Browser(t)
	r := odooRPCLogin(t, hc, e.s, odooOwner, odooOwnerPass)
	if r.Status != http.StatusOK || r.JSON["jsonrpc"] != "2.0" || r.JSON["id"] != float64(7) {
		t.Fatalf("authenticate: %d %s", r.Status, r.Raw)
	}
	result, _ := r.JSON["result"].(map[string]any)
	if result["username"] != odooOwner || result["name"] != "Olga Owner" || result["uid"] == nil {
		t.Fatalf("result %v", result)
	}
	var sessionID *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "session_id" {
			sessionID = c
		}
	}
	if sessionID == nil || !sessionID.HttpOnly || sessionID.Value == "" {
		t.Fatalf("no HttpOnly session_id cookie in %v", r.Header["Set-Cookie"])
	}

	only := Browser(t)
	only.Jar.SetCookies(odooMustURL(t, e.s.URL), []*http.Cookie{{Name: "session_id", Value: sessionID.Value}})
	authz := odooGet(t, only, e.s.URL+odooOAuth+"/authorize", "Authorization",
		odooHeader("client_id", e.client.ID, "redirect_uri", odooRedirect, "response_type", "code", "state", "x"))
	odooExpect(t, authz, http.StatusOK, map[string]any{"state": "x"})

	frappe := odooGet(t, only, e.s.URL+"/api/method/frappe.auth.get_logged_user")
	odooExpect(t, frappe, http.StatusOK, map[string]any{"message": odooOwner})
}

func TestOdooSessionAuthenticateRefused(t *testing.T) {
	e := odooSetup(t)
	for _, pw := range []string{"wrong-password", ""} {
		hc := Browser(t)
		r := odooRPCLogin(t, hc, e.s, odooOwner, pw)
		if r.Status != http.StatusUnauthorized || r.JSON["jsonrpc"] != "2.0" || r.JSON["result"] != nil {
			t.Fatalf("bad login: %d %s", r.Status, r.Raw)
		}
		rpcErr, _ := r.JSON["error"].(map[string]any)
		data, _ := rpcErr["data"].(map[string]any)
		if rpcErr["message"] != "Odoo Server Error" || data["name"] != "odoo.exceptions.AccessDenied" {
			t.Fatalf("error object %v", r.JSON["error"])
		}
		if len(r.Header["Set-Cookie"]) != 0 {
			t.Fatalf("a refused login set cookies: %v", r.Header["Set-Cookie"])
		}
	}
	r := odooRPCLogin(t, Browser(t), e.s, "nobody@example.com", odooOwnerPass)
	if r.Status != http.StatusUnauthorized || r.JSON["error"] == nil {
		t.Fatalf("unknown user: %d %s", r.Status, r.Raw)
	}

	for _, tc := range []struct{ contentType, body string }{
		{"application/json", "{not json"},
		{"application/json", `{"params": "x"}`},
		{"application/json", ""},
		{"application/x-www-form-urlencoded", "login=" + url.QueryEscape(odooOwner) + "&password=" + odooOwnerPass},
		{"", ""},
	} {
		r := odooDo(t, http.DefaultClient, Request(t, http.MethodPost, e.s.URL+"/web/session/authenticate",
			bytes.NewReader([]byte(tc.body)), "Content-Type", tc.contentType))
		if r.Status != http.StatusBadRequest || r.JSON["error"] == nil || len(r.Header["Set-Cookie"]) != 0 {
			t.Fatalf("%q %q: %d %s", tc.contentType, tc.body, r.Status, r.Raw)
		}
	}
}

// The login page: GET shows Odoo's field names, a failed POST shows it again with 401.
func TestOdooLoginPage(t *testing.T) {
	e := odooSetup(t)
	page := odooGet(t, http.DefaultClient, e.s.URL+"/web/login?redirect=%2Frestapi%2F1.0%2Fcommon%2Fversion")
	body := string(page.Raw)
	if page.Status != http.StatusOK || !strings.Contains(body, `name="login"`) || !strings.Contains(body, `name="password"`) ||
		hiddenFields(page.Raw).Get("redirect") != "/restapi/1.0/common/version" {
		t.Fatalf("login page: %d %s", page.Status, body)
	}
	r := odooPostForm(t, Browser(t), e.s.URL+"/web/login", url.Values{"login": {odooOwner}, "password": {"nope"},
		"redirect": {"/x"}})
	if r.Status != http.StatusUnauthorized || len(r.Header["Set-Cookie"]) != 0 {
		t.Fatalf("failed login: %d %v", r.Status, r.Header["Set-Cookie"])
	}
	// A login for an authorize request lets the redirects that follow it reach the verified
	// redirect_uri's origin (browsers apply the page's CSP form-action to them), and only that.
	back := strings.TrimPrefix(e.authorizeQuery(), e.s.URL)
	page = odooGet(t, http.DefaultClient, e.s.URL+"/web/login?redirect="+url.QueryEscape(back))
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https://127.0.0.1;") {
		t.Fatalf("login page CSP %q does not allow the redirect_uri origin", csp)
	}
	back = strings.TrimPrefix(e.authorizeQuery("redirect_uri", "https://evil.example/cb"), e.s.URL)
	page = odooGet(t, http.DefaultClient, e.s.URL+"/web/login?redirect="+url.QueryEscape(back))
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self';") {
		t.Fatalf("login page CSP %q allows an unverified origin", csp)
	}
	// The redirect after login stays on this site.
	r = odooPostForm(t, Browser(t), e.s.URL+"/web/login", url.Values{"login": {odooOwner}, "password": {odooOwnerPass},
		"redirect": {"//evil.example/x"}})
	if r.Status != http.StatusFound || r.Header.Get("Location") != "/" {
		t.Fatalf("login with foreign redirect: %d %q", r.Status, r.Header.Get("Location"))
	}
}

// Refused JSON-RPC logins are counted by the login rate limit (they are not HTTP 200 for that
// reason).
func TestOdooSessionAuthenticateRateLimited(t *testing.T) {
	e := odooSetup(t, Env("OAUTHD_LOGIN_MAX_FAILURES=2"))
	for i := 0; i < 2; i++ {
		if r := odooRPCLogin(t, Browser(t), e.s, odooOwner, "wrong-password"); r.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d %s", i+1, r.Status, r.Raw)
		}
	}
	if r := odooRPCLogin(t, Browser(t), e.s, odooOwner, odooOwnerPass); r.Status != http.StatusTooManyRequests {
		t.Fatalf("after the limit: %d %s", r.Status, r.Raw)
	}
}

// A login through the Frappe dialect (its sid cookie alone) is a session here too, and a
// consent the core remembers (skip_authorization "auto": the user holds a live token) lets a
// header-style request through without a page.
func TestOdooSharedSessionAndRememberedConsent(t *testing.T) {
	e := odooSetup(t, Env("OAUTHD_OAUTH_SKIP_AUTHORIZATION=auto"))
	hc := Browser(t)
	r := odooPostForm(t, hc, e.s.URL+"/api/method/login", url.Values{"usr": {odooUser}, "pwd": {odooUserPass}})
	if r.Status != http.StatusOK {
		t.Fatalf("frappe login: %d %s", r.Status, r.Raw)
	}
	only := Browser(t)
	for _, c := range hc.Jar.Cookies(odooMustURL(t, e.s.URL)) {
		if c.Name == "sid" {
			only.Jar.SetCookies(odooMustURL(t, e.s.URL), []*http.Cookie{c})
		}
	}
	header := odooHeader("client_id", e.client.ID, "redirect_uri", odooRedirect, "response_type", "code", "state", "h")
	odooExpect(t, odooGet(t, only, e.s.URL+odooOAuth+"/authorize", "Authorization", header), http.StatusForbidden,
		map[string]any{"code": float64(403)})

	form := hiddenFields(odooGet(t, only, e.authorizeQuery()).Raw)
	form.Set("decision", "allow")
	code := odooPostForm(t, only, e.s.URL+odooOAuth+"/approve", form).Location(t).Query().Get("code")
	odooExpect(t, e.exchange(t, code), http.StatusOK, nil)

	authz := odooGet(t, only, e.s.URL+odooOAuth+"/authorize", "Authorization", header)
	odooExpect(t, authz, http.StatusOK, map[string]any{"state": "h"})
}
