package checker

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Stand-ins for a Frappe v15 site and an Odoo with the REST API module, answering as the
// research notes say the real ones do (frappe.md §1, §3.5; odoo.md §3), so that the check's
// handling of what oauthd never sends (a consent page driven by a script, approve by GET, a
// bare {} from revoke_token, the module ignoring the OAuth header) is exercised.

const (
	realUser, realPassword = "test@example.com", "Eastern_43A1W"
	realClient, realSecret = "a1b2c3d4e5", "f6e7d8c9b0"
	realRedirect           = "http://localhost:3000/oauth_code"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// frappeV15 is Frappe up to v15: codes and tokens in maps, consent always asked.
func frappeV15(t *testing.T) *httptest.Server {
	codes, tokens := map[string]bool{}, map[string]bool{}
	n := 0
	next := func() string { n++; return fmt.Sprintf("tok%027d", n) }
	mux := http.NewServeMux()
	loggedIn := func(r *http.Request) bool { c, err := r.Cookie("sid"); return err == nil && c.Value == "s1" }
	mux.HandleFunc("/api/method/login", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("usr") != realUser || r.FormValue("pwd") != realPassword {
			writeJSON(w, 401, map[string]any{"message": "Invalid login credentials"})
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s1", Path: "/"})
		writeJSON(w, 200, map[string]any{"message": "Logged In", "home_page": "/app", "full_name": "Test"})
	})
	mux.HandleFunc(frappeMethods+"authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case !loggedIn(r):
			http.Redirect(w, r, "/login?redirect-to="+url.QueryEscape(r.URL.String()), http.StatusFound)
		case q.Get("client_id") != realClient:
			writeJSON(w, 400, map[string]any{"description": "Invalid client_id parameter value.", "status_code": 400, "error": "invalid_request"})
		case q.Get("redirect_uri") != realRedirect:
			writeJSON(w, 400, map[string]any{"description": "Mismatching redirect URI.", "status_code": 400, "error": "invalid_request"})
		default:
			success := frappeMethods + "approve?" + q.Encode()
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<html><body><button id="allow">Allow</button><button id="deny">Deny</button>
<script>frappe.ready(function() { $('#allow').on('click', function(event) { window.location.replace("%s"); });
$('#deny').on('click', function(event) { window.location.replace("%s?error=access_denied"); }); });</script></body></html>`,
				strings.ReplaceAll(success, "&", "&amp;"), q.Get("redirect_uri"))
		}
	})
	mux.HandleFunc(frappeMethods+"approve", func(w http.ResponseWriter, r *http.Request) {
		code := next()
		codes[code] = true
		http.Redirect(w, r, r.URL.Query().Get("redirect_uri")+"?code="+code+"&state="+r.URL.Query().Get("state"), http.StatusFound)
	})
	mux.HandleFunc(frappeMethods+"get_token", func(w http.ResponseWriter, r *http.Request) {
		grant := r.FormValue("grant_type")
		if (grant == "authorization_code" && !codes[r.FormValue("code")]) || (grant == "refresh_token" && !tokens[r.FormValue("refresh_token")]) {
			writeJSON(w, 400, map[string]any{"error": "invalid_grant"})
			return
		}
		delete(codes, r.FormValue("code"))
		access, refresh := next(), next()
		tokens[access], tokens[refresh] = true, true
		writeJSON(w, 200, map[string]any{"access_token": access, "expires_in": 3600, "token_type": "Bearer",
			"scope": "all openid", "refresh_token": refresh})
	})
	mux.HandleFunc(frappeMethods+"revoke_token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("token") == "" {
			writeJSON(w, 400, map[string]any{})
			return
		}
		delete(tokens, r.FormValue("token"))
		writeJSON(w, 200, map[string]any{})
	})
	mux.HandleFunc(frappeLoggedUser, func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ") // never the misspelt header
		switch {
		case ok && tokens[token]:
			writeJSON(w, 200, map[string]any{"message": realUser})
		case ok:
			writeJSON(w, 401, map[string]any{"exc_type": "AuthenticationError"})
		default:
			writeJSON(w, 403, map[string]any{"exc_type": "PermissionError"})
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func statuses(rep *Report) map[string]Status {
	m := map[string]Status{}
	for _, r := range rep.Results {
		m[r.Dialect+"/"+r.Step] = r.Status
	}
	return m
}

func expectStatuses(t *testing.T, rep *Report, want map[string]Status) {
	t.Helper()
	got := statuses(rep)
	for step, s := range want {
		if got[step] != s {
			t.Errorf("%s: %s, want %s", step, got[step], s)
		}
	}
	for step, s := range got {
		if _, named := want[step]; !named && s != Pass {
			t.Errorf("%s: %s, want PASS", step, s)
		}
	}
	if t.Failed() {
		var b strings.Builder
		WriteTable(&b, []Labelled{{Report: rep}}, []string{Frappe, Odoo})
		t.Log(b.String())
	}
}

func TestCheckAgainstAFrappeV15Site(t *testing.T) {
	srv := frappeV15(t)
	rep := Run(t.Context(), Options{BaseURL: srv.URL, User: realUser, Password: realPassword, ClientID: realClient,
		ClientSecret: realSecret, RedirectURI: realRedirect, Scope: "all", Dialects: []string{Frappe}})
	expectStatuses(t, rep, map[string]Status{
		"frappe/bearer_misspelt":       Fail, // Frappe reads only Authorization
		"frappe/revoke":                Diff, // {} where the document shows {"message":"success"}
		"frappe/error_revoke_no_token": Diff,
	})
	if len(rep.Results) != 16 {
		t.Fatalf("%d results", len(rep.Results))
	}
}

// odooModule is the REST API module: parameters from the query and form only, the session's
// user authorizes, integer access_token_validity, no userinfo.
func odooModule(t *testing.T) *httptest.Server {
	codes, used, access := map[string]bool{}, map[string]bool{}, map[string]bool{}
	n := 0
	next := func() string { n++; return fmt.Sprintf("odoo%028d", n) }
	fail := func(w http.ResponseWriter, status int, msg string) {
		writeJSON(w, status, map[string]any{"code": status, "message": msg})
	}
	mux := http.NewServeMux()
	mux.HandleFunc(odooSession, func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Params struct{ DB, Login, Password string }
		}
		json.NewDecoder(r.Body).Decode(&req)
		if req.Params.DB != "prod" || req.Params.Login != realUser || req.Params.Password != realPassword {
			writeJSON(w, 200, map[string]any{"jsonrpc": "2.0", "id": 1, "error": map[string]any{"code": 200, "message": "Odoo Server Error"}})
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "session_id", Value: "s1", Path: "/"})
		writeJSON(w, 200, map[string]any{"jsonrpc": "2.0", "id": 1, "result": map[string]any{"uid": 2}})
	})
	mux.HandleFunc(odooOAuth+"/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case q.Get("client_id") != realClient:
			fail(w, 401, "Invalid Credentials.")
		case q.Get("redirect_uri") != realRedirect:
			fail(w, 400, "redirect uri mismatch.")
		default:
			code := next()
			codes[code] = true
			http.Redirect(w, r, realRedirect+"?code="+code+"&state="+q.Get("state"), http.StatusFound)
		}
	})
	mux.HandleFunc(odooOAuth+"/access_token", func(w http.ResponseWriter, r *http.Request) {
		code := r.FormValue("code")
		switch {
		case r.FormValue("client_id") != realClient || r.FormValue("client_secret") != realSecret:
			fail(w, 401, "Invalid Credentials.")
		case r.FormValue("grant_type") == "authorization_code" && used[code]:
			fail(w, 400, "Authentication code expired")
		case r.FormValue("grant_type") == "authorization_code" && !codes[code]:
			fail(w, 401, "Invalid Authentication Code.")
		case r.FormValue("grant_type") == "refresh_token" && r.FormValue("refresh_token") != "app-refresh-token":
			fail(w, 400, "Invalid Refresh Token.")
		default:
			used[code] = true
			tok := next()
			access[tok] = true
			writeJSON(w, 200, map[string]any{"access_token": tok, "access_token_validity": 1800, "token_type": "Bearer",
				"refresh_token": "app-refresh-token"})
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestCheckAgainstTheOdooModule(t *testing.T) {
	srv := odooModule(t)
	rep := Run(t.Context(), Options{BaseURL: srv.URL, User: realUser, Password: realPassword, ClientID: realClient,
		ClientSecret: realSecret, RedirectURI: realRedirect, OdooDB: "prod", Dialects: []string{Odoo}})
	expectStatuses(t, rep, map[string]Status{
		"odoo/authorize_header":  Fail, // the module never reads the OAuth header
		"odoo/token_code_header": Skip,
		"odoo/userinfo":          Fail, // and has no userinfo
		"odoo/error_bad_bearer":  Diff, // a 404 page
	})
	for _, r := range rep.Results {
		if r.Step == "authorize_header" && r.Note != headerNote {
			t.Fatalf("authorize_header note: %q", r.Note)
		}
	}
}
