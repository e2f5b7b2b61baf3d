package tests

// Imported clients behave as they did at their source: each gets its source's profile, a
// Frappe v16 client its token_endpoint_auth_method and its Allowed Roles, and the summary says
// which legacy behaviours the carried clients have.

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestImportFrappeProfiles(t *testing.T) {
	for _, shape := range []struct {
		name    string
		v16     bool
		profile string
		quirks  []string // the summary's lines
	}{
		{"v14", false, "frappe-v15", []string{"quirks clients: 1 hs256_id_token", "quirks clients: 1 no_client_auth",
			"quirks clients: 1 password_grant", "quirks clients: 1 plain_pkce"}},
		{"v16", true, "frappe", []string{"quirks clients: 3 hs256_id_token"}},
	} {
		t.Run(shape.name, func(t *testing.T) {
			dsn, src := frappeSource(t, shape.v16)
			fillFrappe(t, src, shape.v16)
			if shape.v16 {
				addFrappeClient(t, src, "public_app", "None")
				addFrappeClient(t, src, "accounts_app", "Client Secret Basic")
				addFrappeClient(t, src, "desk_app", "Client Secret Basic")
				mustExec(t, src, "INSERT INTO `tabOAuth Client Role` (name, parent, parentfield, parenttype, role) VALUES "+
					"('r2', 'accounts_app', 'allowed_roles', 'OAuth Client', 'Accounts User'), "+
					"('r3', 'desk_app', 'allowed_roles', 'OAuth Client', 'Desk User')")
			}
			s := StartServer(t)
			out := string(s.CLI(t, "import", "frappe", "--from", dsn))
			for _, line := range shape.quirks {
				if !strings.Contains(out, line) {
					t.Errorf("the summary lacks %q:\n%s", line, out)
				}
			}
			listed := jsonLines[map[string]any](t, s.CLI(t, "client", "list"))
			for _, c := range listed {
				if c["profile"] != shape.profile {
					t.Errorf("client %v: profile %v, want %s", c["client_id"], c["profile"], shape.profile)
				}
			}
			b := frappeLoginAs(t, s, frappeEmail, frappePassword)
			if !shape.v16 {
				// Frappe up to v15 never checked the secret: the document's exchange still works.
				code := frappeImportedCode(t, s, b, "test_client_id", nil)
				r := SendForm(t, nil, "POST", s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"authorization_code"},
					"code": {code}, "redirect_uri": {"http://localhost"}, "client_id": {"test_client_id"}})
				frappeExpect(t, "v14 client without its secret", r, http.StatusOK, nil)
				return
			}
			// A public client (token_endpoint_auth_method None) works without a secret, with PKCE as in v16.
			verifier := randomHex(32)
			code := frappeImportedCode(t, s, b, "public_app", url.Values{"code_challenge": {frappeS256(verifier)},
				"code_challenge_method": {"S256"}})
			r := SendForm(t, nil, "POST", s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"authorization_code"},
				"code": {code}, "redirect_uri": {"http://localhost"}, "client_id": {"public_app"}, "code_verifier": {verifier}})
			frappeExpect(t, "imported public client", r, http.StatusOK, nil)
			if _, has := r.JSON["id_token"]; has {
				t.Errorf("a public client got an id_token signed with a secret it does not have: %s", r.Raw)
			}
			// Allowed Roles: a user without one is refused in Frappe's words (the module's, on Odoo's path);
			// Desk User is every System User's.
			q := url.Values{"client_id": {"accounts_app"}, "response_type": {"code"}, "redirect_uri": {"http://localhost"},
				"scope": {"all"}}
			frappeExpect(t, "a user without an allowed role", Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+q.Encode(), nil),
				http.StatusBadRequest, map[string]any{"error": "invalid_request", "description": "Invalid client_id parameter value."})
			ob := odooLogin(t, s, frappeEmail, frappePassword)
			odooExpect(t, odooGet(t, ob, s.URL+odooOAuth+"/authorize?"+q.Encode()), http.StatusUnauthorized,
				map[string]any{"message": "Invalid User."})
			frappeImportedCode(t, s, b, "desk_app", nil)
		})
	}
}

// addFrappeClient adds a v16 client with the fixture's redirect URI and the auth method.
func addFrappeClient(t *testing.T, db *sql.DB, name, method string) {
	t.Helper()
	mustExec(t, db, "INSERT INTO `tabOAuth Client` (name, client_id, app_name, client_secret, scopes, redirect_uris, "+
		"default_redirect_uri, grant_type, response_type, skip_authorization, token_endpoint_auth_method) VALUES "+
		"(?, ?, ?, 'a1b2c3d4e5', 'all openid', 'http://localhost', 'http://localhost', 'Authorization Code', 'Code', 1, ?)",
		name, name, name, method)
}

// frappeImportedCode runs authorize for an imported client (skip_authorization, or the
// consent page) and returns the code.
func frappeImportedCode(t *testing.T, s *Server, b *http.Client, clientID string, extra url.Values) string {
	t.Helper()
	q := url.Values{"client_id": {clientID}, "response_type": {"code"}, "redirect_uri": {"http://localhost"},
		"scope": {"all"}, "state": {"imp"}}
	for k, v := range extra {
		q[k] = v
	}
	r := Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+q.Encode(), nil)
	if r.Status == http.StatusOK { // the consent page
		return frappeDecide(t, b, s.URL, frappeOAuth, hiddenFields(r.Raw), "allow").Query().Get("code")
	}
	code := r.Location(t).Query().Get("code")
	if code == "" {
		t.Fatalf("authorize %s: %s", clientID, r)
	}
	return code
}
