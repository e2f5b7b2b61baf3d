package tests

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// queueFault queues a fault through the admin API and checks it was accepted.
func queueFault(t *testing.T, s *Server, fault map[string]any) {
	t.Helper()
	if r := s.admin(t, http.MethodPost, "/faults", fault); r.Status != http.StatusCreated {
		t.Fatalf("POST /faults %v: %s", fault, r)
	}
}

// odooRefresh refreshes suite-app's token through the Odoo dialect, form style.
func odooRefresh(t *testing.T, s *Server, refresh string) *Resp {
	t.Helper()
	return odooPostForm(t, nil, s.URL+odooOAuth+"/access_token", url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {refresh}, "client_id": {ephApp}, "client_secret": {ephSecret}})
}

// A 503 with Retry-After in each dialect's own error shape, for the next count requests to
// that endpoint of that dialect only.
func TestFaultUnavailable(t *testing.T) {
	t.Setenv("OAUTHD_CORS_ALLOWED_ORIGINS", "https://app.example")
	s := startEphemeralSuite(t)
	queueFault(t, s, map[string]any{"endpoint": "token", "dialect": "frappe", "kind": "unavailable", "count": 2,
		"retry_after": "3s"})
	queueFault(t, s, map[string]any{"endpoint": "bearer", "kind": "unavailable"})
	if r := odooRefresh(t, s, "odooRefreshIsNotTried00000000000000000000"); r.Status != http.StatusBadRequest {
		t.Fatalf("the Odoo token endpoint took a Frappe fault: %s", r)
	}
	for range 2 {
		r := ephRefresh(t, s, ephAliceFresh)
		if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") != "3" ||
			r.Str("error") != "temporarily_unavailable" || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("Frappe get_token under the fault: %s %v", r, r.Header)
		}
	}
	if list := s.admin(t, http.MethodGet, "/faults", nil); len(list.JSON["faults"].([]any)) != 1 {
		t.Fatalf("after its count the token fault is still listed: %s", list)
	}
	if r := ephRefresh(t, s, ephAliceFresh); r.Status != http.StatusOK {
		t.Fatalf("after the fault the refresh token still works: %s", r)
	}
	r := odooUserinfo(t, s, ephAliceAccess)
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") != "1" || r.JSON["code"] != float64(503) {
		t.Fatalf("Odoo userinfo under the fault: %s", r)
	}
	if r := frappeBearerUser(t, s, ephAliceAccess); r.Status != http.StatusOK {
		t.Fatalf("the bearer fault served more than its count: %s", r)
	}
	// a browser app reads an injected failure like a real one: CORS headers, Retry-After exposed
	queueFault(t, s, map[string]any{"endpoint": "revoke", "dialect": "frappe", "kind": "unavailable", "retry_after": "4s"})
	r = SendForm(t, nil, http.MethodPost, s.URL+frappeOAuth+"revoke_token", url.Values{"token": {ephBobAccess},
		"client_id": {ephSPA}}, "Origin", "https://app.example")
	if r.Status != http.StatusServiceUnavailable || r.Str("error") != "temporarily_unavailable" || r.Header.Get("Retry-After") != "4" ||
		r.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		!strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "Retry-After") {
		t.Fatalf("a cross-origin revoke under the fault: %s %v", r, r.Header)
	}
}

// invalid_grant as each dialect words it for a refresh, without touching the refresh token.
func TestFaultInvalidGrant(t *testing.T) {
	s := startEphemeralSuite(t)
	queueFault(t, s, map[string]any{"endpoint": "token", "kind": "invalid_grant", "count": 2})
	r := ephRefresh(t, s, ephAliceFresh)
	if r.Status != http.StatusBadRequest || r.Str("error") != "invalid_grant" || r.Str("error_description") != "Invalid refresh token." {
		t.Fatalf("Frappe: %s", r)
	}
	o := odooRefresh(t, s, ephAliceFresh)
	odooExpect(t, o, http.StatusBadRequest, map[string]any{"code": float64(400), "message": "Invalid Refresh Token.",
		"error": "invalid_grant"})
	if r := odooRefresh(t, s, ephAliceFresh); r.Status != http.StatusOK {
		t.Fatalf("the refresh token was spent by the fault: %s", r)
	}
	for _, bad := range []map[string]any{
		{"endpoint": "bearer", "kind": "invalid_grant"}, {"endpoint": "token", "kind": "drop", "count": 0},
		{"endpoint": "token", "kind": "delay"}, {"endpoint": "userinfo", "kind": "drop"},
		{"endpoint": "token", "kind": "drop", "colour": "red"},
	} {
		if r := s.admin(t, http.MethodPost, "/faults", bad); r.Status != http.StatusBadRequest || r.Str("error") != "invalid_input" {
			t.Errorf("POST /faults %v: %s", bad, r)
		}
	}
}

// A delay holds the answer at least that long, then answers normally; a drop closes the
// connection without an answer; DELETE clears what is queued.
func TestFaultDelayDropAndClear(t *testing.T) {
	s := startEphemeralSuite(t)
	queueFault(t, s, map[string]any{"endpoint": "bearer", "dialect": "odoo", "kind": "delay", "delay": "1500ms"})
	start := time.Now()
	if r := odooUserinfo(t, s, ephAliceAccess); r.Status != http.StatusOK || time.Since(start) < 1500*time.Millisecond {
		t.Fatalf("delayed userinfo: %s after %v", r, time.Since(start))
	}
	queueFault(t, s, map[string]any{"endpoint": "authorize", "dialect": "frappe", "kind": "drop"})
	b := frappeLoginAs(t, s, ephAlice, ephAlicePass)
	q := url.Values{"client_id": {ephApp}, "response_type": {"code"}, "redirect_uri": {ephRedirect}}
	req := Request(t, http.MethodGet, s.URL+frappeOAuth+"authorize?"+q.Encode(), nil)
	// a fresh connection: Go's transport sends a GET again, unseen, when a reused one drops
	fresh := &http.Client{Jar: b.Jar, Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	if r, err := Do(fresh, req); err == nil {
		t.Fatalf("a dropped authorize was answered: %s", r)
	}
	if r := Send(t, b, http.MethodGet, s.URL+frappeOAuth+"authorize?"+q.Encode(), nil); r.Status != http.StatusFound {
		t.Fatalf("the next authorize: %s", r)
	}
	queueFault(t, s, map[string]any{"endpoint": "revoke", "kind": "unavailable", "count": 5})
	queueFault(t, s, map[string]any{"endpoint": "introspect", "kind": "unavailable"})
	list := s.admin(t, http.MethodGet, "/faults", nil)
	if faults, _ := list.JSON["faults"].([]any); len(faults) != 2 || !strings.Contains(string(list.Raw), `"count":5`) {
		t.Fatalf("GET /faults: %s", list)
	}
	if r := s.admin(t, http.MethodDelete, "/faults", nil); r.Status != http.StatusNoContent {
		t.Fatalf("DELETE /faults: %s", r)
	}
	r := SendForm(t, nil, http.MethodPost, s.URL+frappeOAuth+"revoke_token", url.Values{"token": {ephBobAccess},
		"client_id": {ephSPA}})
	if r.Status != http.StatusOK || frappeBearerUser(t, s, ephBobAccess).Status != http.StatusUnauthorized {
		t.Fatalf("revoke after the faults were cleared: %s", r)
	}
}
