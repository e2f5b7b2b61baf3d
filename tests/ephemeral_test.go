package tests

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// An ephemeral server prints one JSON line on standard output, listens on loopback, and
// leaves nothing in its working directory, however much it wrote to its database.
func TestEphemeralStartWritesNoFileAndPrintsReady(t *testing.T) {
	s := startEphemeralSuite(t)
	r := s.Ready
	if r.Event != "ready" || r.URL != s.URL || !strings.HasPrefix(r.URL, "http://127.0.0.1:") ||
		!strings.HasPrefix(r.AdminURL, "http://127.0.0.1:") || r.AdminURL == r.URL || len(r.AdminToken) != 40 {
		t.Fatalf("ready line %+v (listening on %s)", r, s.URL)
	}
	if out := s.out.String(); strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, `{"event":"ready",`) {
		t.Fatalf("standard output holds more than the ready line:\n%s", out)
	}
	// writes of every kind: a session, a code, tokens, a rotation, a revocation
	b := frappeLoginAs(t, s, ephAlice, ephAlicePass)
	if r := ephRefresh(t, s, ephAliceFresh); r.Status != http.StatusOK {
		t.Fatalf("refresh: %s", r)
	}
	q := url.Values{"client_id": {ephApp}, "response_type": {"code"}, "redirect_uri": {ephRedirect}}
	code := Send(t, b, http.MethodGet, s.URL+frappeOAuth+"authorize?"+q.Encode(), nil).Location(t).Query().Get("code")
	tok := SendForm(t, nil, http.MethodPost, s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {ephRedirect}, "client_id": {ephApp}, "client_secret": {ephSecret}})
	if tok.Status != http.StatusOK {
		t.Fatalf("code exchange: %s", tok)
	}
	SendForm(t, nil, http.MethodPost, s.URL+frappeOAuth+"revoke_token", url.Values{"token": {tok.Str("access_token")},
		"client_id": {ephApp}, "client_secret": {ephSecret}})
	s.Stop(t)
	entries, err := os.ReadDir(s.Dir)
	if err != nil || len(entries) != 0 {
		t.Fatalf("the working directory holds %v (%v)", entries, err)
	}
}

// Listening beyond loopback takes --public too; --public alone is a mistake.
func TestEphemeralRefusesAPublicAddressUnlessToldTwice(t *testing.T) {
	s := &Server{Env: os.Environ()}
	for _, args := range [][]string{
		{"serve", "--ephemeral", "--addr", "0.0.0.0:0"},
		{"serve", "--ephemeral", "--addr", ":0"},
		{"serve", "--public"},
	} {
		if _, stderr, code := s.TryCLI(args...); code != 2 || !strings.Contains(stderr, "--public") {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}
	public := &Server{Env: os.Environ(), log: &syncBuffer{}}
	public.startWith(t, "serve", "--ephemeral", "--public", "--addr", "0.0.0.0:0")
	defer public.Stop(t)
	if strings.HasPrefix(public.Ready.URL, "http://127.") || !strings.HasPrefix(public.Ready.AdminURL, "http://127.0.0.1:") {
		t.Fatalf("ready line %+v", public.Ready)
	}
}

// The fixtures' tokens work as they are, through both dialects: a user's, and the client's
// own (acting as its owner).
func TestEphemeralFixedTokensWorkInBothDialects(t *testing.T) {
	s := startEphemeralSuite(t)
	for token, email := range map[string]string{ephAliceAccess: ephAlice, ephOwnAccess: ephAlice, ephBobAccess: ephBob} {
		if r := frappeBearerUser(t, s, token); r.Status != http.StatusOK || r.Str("message") != email {
			t.Errorf("Frappe get_logged_user with %s…: %s", token[:12], r)
		}
	}
	if r := odooUserinfo(t, s, ephAliceAccess); r.Status != http.StatusOK || r.Str("email") != ephAlice {
		t.Fatalf("Odoo userinfo with alice's fixed token: %s", r)
	}
	if r := odooUserinfo(t, s, ephOwnAccess); r.Status != http.StatusForbidden {
		t.Fatalf("Odoo userinfo with a token of scope all (no openid): %s", r)
	}
	r := ephRefresh(t, s, ephAliceFresh)
	if r.Status != http.StatusOK || r.Str("refresh_token") == ephAliceFresh {
		t.Fatalf("refresh with the fixed refresh token: %s", r)
	}
	if u := odooUserinfo(t, s, r.Str("access_token")); u.Str("email") != ephAlice {
		t.Fatalf("the refreshed token on the Odoo side: %s", u)
	}
}

// The test clock moves every time the server uses: a fixed token expires without sleeping,
// the refresh it forces works, and the new token's times are on the moved clock.
func TestEphemeralClockExpiresTokens(t *testing.T) {
	s := startEphemeralSuite(t)
	clock := s.admin(t, http.MethodGet, "/clock", nil)
	if clock.Status != http.StatusOK || clock.JSON["offset"] != "0s" {
		t.Fatalf("GET /clock: %s", clock)
	}
	if r := frappeBearerUser(t, s, ephAliceAccess); r.Status != http.StatusOK { // cached from here on
		t.Fatalf("before: %s", r)
	}
	moved := s.admin(t, http.MethodPost, "/clock", map[string]string{"advance": "1h"})
	now, _ := moved.JSON["unix"].(float64)
	if moved.Status != http.StatusOK || moved.JSON["offset"] != "1h0m0s" || time.Unix(int64(now), 0).Sub(time.Now()) < 59*time.Minute {
		t.Fatalf("POST /clock: %s", moved)
	}
	if r := frappeBearerUser(t, s, ephAliceAccess); r.Status != http.StatusUnauthorized {
		t.Fatalf("Frappe after an hour: %s", r)
	}
	if r := odooUserinfo(t, s, ephAliceAccess); r.Status != http.StatusUnauthorized || r.Str("message") != "Access Token Invalid" {
		t.Fatalf("Odoo after an hour: %s", r)
	}
	r := odooPostForm(t, nil, s.URL+odooOAuth+"/access_token", nil, "Authorization", odooHeader("client_id", ephApp,
		"client_secret", ephSecret, "grant_type", "refresh_token", "refresh_token", ephAliceFresh))
	clockNow := time.Unix(int64(now), 0)
	validity, err := time.Parse("1/2/2006 15:04:05", r.Str("access_token_validity"))
	if r.Status != http.StatusOK || err != nil || validity.Sub(clockNow.Add(30*time.Minute)).Abs() > time.Minute {
		t.Fatalf("Odoo refresh after the move: %s (validity %v, clock %v)", r, validity, clockNow)
	}
	if idt, _ := oidcVerify(t, s, ephApp, r.Str("id_token")); idt.IssuedAt.Sub(clockNow).Abs() > time.Minute {
		t.Fatalf("id_token iat %v, clock %v", idt.IssuedAt, clockNow)
	}
	if f := frappeBearerUser(t, s, r.Str("access_token")); f.Status != http.StatusOK || f.Str("message") != ephAlice {
		t.Fatalf("the refreshed token: %s", f)
	}
	for _, bad := range []any{map[string]string{"advance": "-1h"}, map[string]string{"advance": "soon"},
		map[string]int{"advance": 3600}, map[string]string{"set": "1h"}} {
		if r := s.admin(t, http.MethodPost, "/clock", bad); r.Status != http.StatusBadRequest {
			t.Errorf("POST /clock %v: %s", bad, r)
		}
	}
	if r := Send(t, nil, http.MethodGet, s.Ready.AdminURL+"/admin/v1/clock", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("the clock without the admin token: %s", r)
	}
}

// Without --ephemeral the clock and the faults do not exist.
func TestClockAndFaultsAre404WithoutEphemeral(t *testing.T) {
	a := startAdmin(t)
	for _, call := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/clock", nil}, {http.MethodPost, "/clock", map[string]string{"advance": "1h"}},
		{http.MethodGet, "/faults", nil}, {http.MethodDelete, "/faults", nil},
		{http.MethodPost, "/faults", map[string]any{"endpoint": "token", "kind": "drop"}},
	} {
		if r := a.call(t, call.method, call.path, call.body); r.Status != http.StatusNotFound {
			t.Errorf("%s %s: %s", call.method, call.path, r)
		}
	}
	if r := a.call(t, http.MethodGet, "/keys", nil); r.Status != http.StatusOK { // the control
		t.Fatalf("GET /keys: %s", r)
	}
}
