package tests

// Client ID metadata documents: an https URL as client_id is fetched on first use, held to the
// document rules, cached, and made safe; its client is public, always asked for consent with
// the document's host shown, and becomes a client row once approved.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const cimdRedirect = "http://127.0.0.1:41999/callback"

func TestClientIDMetadataDocumentFlow(t *testing.T) {
	t.Parallel()
	d := startDocServer(t)
	id := d.document("/client.json", map[string]any{"client_name": "Desk Tool", "redirect_uris": []string{cimdRedirect},
		"grant_types": []string{"authorization_code", "refresh_token"}, "application_type": "native",
		"token_endpoint_auth_method": "none"})
	site := frappeStart(t, []Option{cimdOptions(t, d), Env("OAUTHD_OAUTH_SKIP_AUTHORIZATION=auto")})
	meta := Send(t, nil, http.MethodGet, site.URL+"/.well-known/oauth-authorization-server", nil)
	if meta.JSON["client_id_metadata_document_supported"] != true {
		t.Fatalf("metadata: %s", meta.Raw)
	}

	b := site.frappeLogin(t)
	for round := range 2 { // consent is asked every time, remembered consent or not
		verifier := "v-" + randomHex(24)
		q := url.Values{"client_id": {id}, "response_type": {"code"}, "redirect_uri": {cimdRedirect}, "scope": {"all"},
			"state": {"st"}, "code_challenge": {frappeS256(verifier)}, "code_challenge_method": {"S256"}}
		page := Send(t, b, http.MethodGet, site.URL+frappeOAuth+"authorize?"+q.Encode(), nil)
		host := strings.TrimPrefix(d.URL, "https://")
		if page.Status != http.StatusOK || !strings.Contains(string(page.Raw), `id="document-host">from <strong>`+host+`</strong>`) ||
			!strings.Contains(string(page.Raw), "Desk Tool") {
			t.Fatalf("round %d: consent page: %d %.600s", round, page.Status, page.Raw)
		}
		form := hiddenFields(page.Raw)
		form.Set("decision", "allow")
		loc := SendForm(t, b, http.MethodPost, site.URL+frappeOAuth+"approve", form).Location(t)
		tok := SendForm(t, nil, http.MethodPost, site.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"authorization_code"},
			"code": {loc.Query().Get("code")}, "redirect_uri": {cimdRedirect}, "client_id": {id}, "code_verifier": {verifier}})
		if loc.Query().Get("iss") != site.URL || tok.Status != http.StatusOK || tok.Str("refresh_token") == "" {
			t.Fatalf("round %d: %s, token %s", round, loc, tok)
		}
		r := Send(t, nil, http.MethodGet, site.URL+frappeLoggedIn, nil, "Authorization", "Bearer "+tok.Str("access_token"))
		frappeExpect(t, "bearer", r, http.StatusOK, map[string]any{"message": frappeEmail})
	}
	// Without PKCE a document client is refused: it is public.
	q := url.Values{"client_id": {id}, "response_type": {"code"}, "redirect_uri": {cimdRedirect}, "state": {"st"}}
	if loc := Send(t, b, http.MethodGet, site.URL+frappeOAuth+"authorize?"+q.Encode(), nil).Location(t); loc.Query().Get("error") != "invalid_request" {
		t.Errorf("without PKCE: %s", loc)
	}
	if n := d.count("/client.json"); n != 1 {
		t.Errorf("the document was fetched %d times within its lifetime, want once", n)
	}

	// The approved client is a row: listed, its tokens revocable by the admin tools.
	clients := jsonLines[map[string]any](t, site.CLI(t, "client", "list"))
	var row map[string]any
	for _, c := range clients {
		if c["client_id"] == id {
			row = c
		}
	}
	if row == nil || row["metadata_document"] != true || row["name"] != "Desk Tool" || row["application_type"] != "native" ||
		row["refresh_rotation"] != true || row["pkce"] != "required" {
		t.Fatalf("client list: %v", row)
	}
	if n := frappeCount(t, site.Server, "SELECT COUNT(*) FROM consents WHERE client_id = ?", id); n != 1 {
		t.Errorf("%d consents recorded for the document client", n)
	}
	site.CLI(t, "client", "remove", id)
	if n := frappeCount(t, site.Server, "SELECT COUNT(*) FROM tokens WHERE client_id = ?", id); n != 0 {
		t.Errorf("removing the document client left %d tokens", n)
	}
}

// Each unsafe or wrong document is refused with the dialect's invalid_client, never a 500, and
// is fetched at most once within the failure's lifetime (an internal address not at all).
func TestClientIDMetadataDocumentRefusals(t *testing.T) {
	t.Parallel()
	d := startDocServer(t)
	good := map[string]any{"client_name": "T", "redirect_uris": []string{cimdRedirect}}
	d.document("/client.json", good)
	d.document("/mismatch.json", map[string]any{"client_id": d.URL + "/client.json", "redirect_uris": []string{cimdRedirect}})
	d.document("/secret.json", map[string]any{"redirect_uris": []string{cimdRedirect}, "token_endpoint_auth_method": "client_secret_basic"})
	port := d.URL[strings.LastIndex(d.URL, ":"):]
	s := StartServer(t, cimdOptions(t, d))
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	b := frappeLoginAs(t, s, frappeEmail, frappePassword)
	cases := []struct {
		name, id, path, reason string
		fetches                int
	}{
		{"internal address without the allow-list", "https://localhost" + port + "/client.json", "", "not public", 0},
		{"plain http", strings.Replace(d.URL, "https:", "http:", 1) + "/client.json", "", "https only", 0},
		{"redirect", d.URL + "/redirect.json", "/redirect.json", "redirect", 1},
		{"oversize document", d.URL + "/big.json", "/big.json", "larger than 5120 bytes", 1},
		{"slow server", d.URL + "/slow.json", "/slow.json", "did not answer within 5s", 1},
		{"mismatched client_id", d.URL + "/mismatch.json", "/mismatch.json", "not its own URL", 1},
		{"confidential method", d.URL + "/secret.json", "/secret.json", "public here", 1},
		{"no document", d.URL + "/missing.json", "/missing.json", "answered 404", 1},
		{"too long to store", d.URL + "/" + strings.Repeat("x", 200) + ".json", "", "up to 191", 0},
	}
	for _, tc := range cases {
		for attempt := range 2 {
			q := url.Values{"client_id": {tc.id}, "response_type": {"code"}, "redirect_uri": {cimdRedirect},
				"code_challenge": {frappeS256("v-" + randomHex(24))}, "code_challenge_method": {"S256"}}
			r := Send(t, b, http.MethodGet, s.URL+frappeOAuth+"authorize?"+q.Encode(), nil)
			if r.Status != http.StatusUnauthorized || r.Str("error") != "invalid_client" ||
				!strings.Contains(r.Str("description"), tc.reason) {
				t.Errorf("%s (attempt %d): %s, want 401 invalid_client about %q", tc.name, attempt+1, r, tc.reason)
			}
		}
		if tc.path != "" && d.count(tc.path) != tc.fetches {
			t.Errorf("%s: fetched %d times, want %d", tc.name, d.count(tc.path), tc.fetches)
		}
	}
	if n := d.count("/client.json"); n != 0 {
		t.Errorf("refused URLs reached the document server %d times", n)
	}

	// The Odoo dialect answers with the module's shape and the reason.
	q := url.Values{"client_id": {d.URL + "/mismatch.json"}, "response_type": {"code"}, "redirect_uri": {cimdRedirect}}
	r := odooGet(t, odooLogin(t, s, frappeEmail, frappePassword), s.URL+odooOAuth+"/authorize?"+q.Encode())
	odooExpect(t, r, http.StatusUnauthorized, map[string]any{"code": float64(401), "message": "Invalid Credentials.",
		"error": "invalid_client"})
	if !strings.Contains(r.Str("error_description"), "not its own URL") {
		t.Errorf("odoo: %s", r.Raw)
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM clients"); n != 0 {
		t.Errorf("refused documents left %d clients", n)
	}
	resAlive(t, s)
}

// Off by default: an https client_id is an unknown client, and nothing is fetched.
func TestClientIDMetadataDocumentsOffByDefault(t *testing.T) {
	t.Parallel()
	d := startDocServer(t)
	id := d.document("/client.json", map[string]any{"redirect_uris": []string{cimdRedirect}})
	s := StartServer(t)
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	b := frappeLoginAs(t, s, frappeEmail, frappePassword)
	meta := Send(t, nil, http.MethodGet, s.URL+"/.well-known/openid-configuration", nil)
	if meta.JSON["client_id_metadata_document_supported"] != false {
		t.Errorf("metadata: %s", meta.Raw)
	}
	q := url.Values{"client_id": {id}, "response_type": {"code"}, "redirect_uri": {cimdRedirect}}
	if r := Send(t, b, http.MethodGet, s.URL+frappeOAuth+"authorize?"+q.Encode(), nil); r.Status != http.StatusBadRequest ||
		r.Str("error") != "invalid_request" || d.count("/client.json") != 0 {
		t.Errorf("documents off: %s, %d fetches", r, d.count("/client.json"))
	}
}

// An unreadable cimd.ca_file is a configuration error naming the key.
func TestClientIDMetadataDocumentsBadCAFile(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	s.Env = append(s.Env, "OAUTHD_CIMD_ENABLED=true", "OAUTHD_CIMD_CA_FILE="+t.TempDir()+"/none.pem")
	if _, stderr, code := s.TryCLI("migrate"); code != 2 || !strings.Contains(stderr, "cimd.ca_file") {
		t.Errorf("missing CA file: exit %d %q", code, stderr)
	}
}
