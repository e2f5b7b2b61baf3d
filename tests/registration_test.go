package tests

// Dynamic client registration (RFC 7591): off by default, open registration limited to
// loopback redirect hosts, an optional initial access token, the cap on registered clients
// and the per-address rate limit; a registered public client completes a PKCE flow.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const regRedirect = "http://127.0.0.1:33418/callback"

// register posts metadata as JSON to path; hdr holds header pairs.
func register(t *testing.T, s *Server, path string, md map[string]any, hdr ...string) *Resp {
	t.Helper()
	body, _ := json.Marshal(md)
	return Send(t, nil, http.MethodPost, s.URL+path, bytes.NewReader(body),
		append([]string{"Content-Type", "application/json"}, hdr...)...)
}

func regEnabled(extra ...string) Option {
	return Env(append([]string{"OAUTHD_REGISTRATION_ENABLED=true"}, extra...)...)
}

func TestRegistrationOffByDefault(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	for _, path := range []string{frappeOAuth + "register_client", "/oauth2/register"} {
		if r := register(t, s, path, map[string]any{"redirect_uris": []string{regRedirect}}); r.Status != http.StatusNotFound {
			t.Fatalf("%s while disabled: %d %s", path, r.Status, r.Raw)
		}
	}
	meta := Send(t, nil, http.MethodGet, s.URL+"/.well-known/openid-configuration", nil)
	if _, ok := meta.JSON["registration_endpoint"]; ok || meta.Str("jwks_uri") != s.URL+"/.well-known/jwks.json" {
		t.Fatalf("discovery while registration is off: %s", meta.Raw)
	}
}

func TestRegistrationPublicClientPKCEFlow(t *testing.T) {
	t.Parallel()
	s := StartServer(t, regEnabled())
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	meta := Send(t, nil, http.MethodGet, s.URL+"/.well-known/openid-configuration", nil)
	endpoint := meta.Str("registration_endpoint")
	if endpoint != s.URL+frappeOAuth+"register_client" {
		t.Fatalf("registration_endpoint %q", endpoint)
	}
	name := `<img src=x onerror=alert(1)> MCP Inspector`
	r := register(t, s, strings.TrimPrefix(endpoint, s.URL), map[string]any{"redirect_uris": []string{regRedirect},
		"client_name": name, "grant_types": []string{"authorization_code", "refresh_token"},
		"response_types": []string{"code"}, "token_endpoint_auth_method": "none", "scope": "openid all",
		"client_uri": "https://inspector.example", "contacts": []string{"ops@inspector.example"}})
	if r.Status != http.StatusCreated || r.Str("client_id") == "" || r.JSON["client_secret"] != nil ||
		r.JSON["client_secret_expires_at"] != float64(0) || r.JSON["client_id_issued_at"] == nil ||
		r.Str("token_endpoint_auth_method") != "none" || r.Str("client_name") != name ||
		r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	id := r.Str("client_id")

	// The consent page escapes the self-chosen name and says the client registered itself.
	b := frappeLoginAs(t, s, frappeEmail, frappePassword)
	verifier := "v-" + randomHex(24)
	q := url.Values{"client_id": {id}, "response_type": {"code"}, "redirect_uri": {regRedirect}, "scope": {"openid"},
		"state": {"st"}, "code_challenge": {frappeS256(verifier)}, "code_challenge_method": {"S256"}}
	page := Send(t, b, http.MethodGet, s.URL+frappeOAuth+"authorize?"+q.Encode(), nil)
	if page.Status != http.StatusOK || strings.Contains(string(page.Raw), "<img src=x") ||
		!strings.Contains(string(page.Raw), "&lt;img src=x") || !strings.Contains(string(page.Raw), "registered itself") {
		t.Fatalf("consent page: %d %s", page.Status, page.Raw)
	}
	form := hiddenFields(page.Raw)
	form.Set("decision", "allow")
	code := SendForm(t, b, http.MethodPost, s.URL+frappeOAuth+"approve", form).Location(t).Query().Get("code")
	tok := SendForm(t, nil, http.MethodPost, s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {regRedirect}, "client_id": {id}, "code_verifier": {verifier}})
	if tok.Status != http.StatusOK || tok.Str("access_token") == "" || tok.Str("id_token") == "" {
		t.Fatalf("token: %d %s", tok.Status, tok.Raw)
	}

	clients := jsonLines[struct {
		ID             string   `json:"client_id"`
		SelfRegistered bool     `json:"self_registered"`
		Grants         []string `json:"grant_types"`
		HasOwner       bool     `json:"has_owner"`
		PKCE           string   `json:"pkce"`
	}](t, s.CLI(t, "client", "list"))
	if len(clients) != 1 ||
		clients[0].ID != id || !clients[0].SelfRegistered || clients[0].HasOwner || clients[0].PKCE != "required" ||
		strings.Join(clients[0].Grants, " ") != "authorization_code refresh_token" {
		t.Fatalf("client list: %+v", clients)
	}
}

func TestRegistrationRefusals(t *testing.T) {
	t.Parallel()
	s := StartServer(t, regEnabled("OAUTHD_REGISTRATION_RATE_LIMIT=100"))
	cases := []struct {
		name string
		md   map[string]any
		code string
	}{
		{"foreign host", map[string]any{"redirect_uris": []string{"https://evil.example/cb"}}, "invalid_redirect_uri"},
		{"http off loopback", map[string]any{"redirect_uris": []string{"http://localhost.evil.example/cb"}}, "invalid_redirect_uri"},
		{"no redirect", map[string]any{"client_name": "x"}, "invalid_redirect_uri"},
		{"fragment", map[string]any{"redirect_uris": []string{"http://localhost/cb#x"}}, "invalid_redirect_uri"},
		{"client_credentials", map[string]any{"redirect_uris": []string{regRedirect},
			"grant_types": []string{"client_credentials"}}, "invalid_client_metadata"},
		{"implicit", map[string]any{"redirect_uris": []string{regRedirect}, "response_types": []string{"token"}},
			"invalid_client_metadata"},
		{"auth method", map[string]any{"redirect_uris": []string{regRedirect},
			"token_endpoint_auth_method": "private_key_jwt"}, "invalid_client_metadata"},
		{"scope", map[string]any{"redirect_uris": []string{regRedirect}, "scope": "admin"}, "invalid_client_metadata"},
		{"wrong type", map[string]any{"redirect_uris": regRedirect}, "invalid_client_metadata"},
	}
	for _, tc := range cases {
		r := register(t, s, "/oauth2/register", tc.md)
		if r.Status != http.StatusBadRequest || r.Str("error") != tc.code || r.Str("error_description") == "" {
			t.Errorf("%s: %d %s, want 400 %s", tc.name, r.Status, r.Raw, tc.code)
		}
	}
	r := Send(t, nil, http.MethodPost, s.URL+"/oauth2/register", strings.NewReader("{not json"),
		"Content-Type", "application/json")
	if r.Status != http.StatusBadRequest || r.Str("error") != "invalid_client_metadata" {
		t.Errorf("bad JSON: %d %s", r.Status, r.Raw)
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM clients"); n != 0 {
		t.Fatalf("refused registrations left %d clients", n)
	}
}

func TestRegistrationInitialAccessToken(t *testing.T) {
	t.Parallel()
	s := StartServer(t, regEnabled("OAUTHD_REGISTRATION_INITIAL_ACCESS_TOKEN=iat-secret-123"))
	md := map[string]any{"redirect_uris": []string{regRedirect}, "client_name": "CI"}
	for _, hdr := range [][]string{nil, {"Authorization", "Bearer wrong"}} {
		r := register(t, s, "/oauth2/register", md, hdr...)
		if r.Status != http.StatusUnauthorized || r.Str("error") != "invalid_token" ||
			!strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Fatalf("without the initial access token (%v): %d %s", hdr, r.Status, r.Raw)
		}
	}
	r := register(t, s, "/oauth2/register", md, "Authorization", "Bearer iat-secret-123")
	if r.Status != http.StatusCreated || r.Str("client_secret") == "" ||
		r.Str("token_endpoint_auth_method") != "client_secret_basic" {
		t.Fatalf("with the token: %d %s", r.Status, r.Raw)
	}
	// The confidential client authenticates with what it was given.
	tok := SendForm(t, nil, http.MethodPost, s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"client_credentials"}},
		"Authorization", frappeBasic(r.Str("client_id"), r.Str("client_secret")))
	if tok.Str("error") != "unauthorized_client" {
		t.Fatalf("a registered client used client_credentials: %d %s", tok.Status, tok.Raw)
	}
}

func TestRegistrationCapAndRateLimit(t *testing.T) {
	t.Parallel()
	s := StartServer(t, regEnabled("OAUTHD_REGISTRATION_MAX_CLIENTS=2", "OAUTHD_REGISTRATION_RATE_LIMIT=3"))
	md := map[string]any{"redirect_uris": []string{"http://localhost:8080/cb"}, "token_endpoint_auth_method": "none"}
	want := []int{http.StatusCreated, http.StatusCreated, http.StatusForbidden, http.StatusTooManyRequests}
	for i, status := range want {
		if r := register(t, s, "/oauth2/register", md); r.Status != status {
			t.Fatalf("registration %d: %d %s, want %d", i+1, r.Status, r.Raw, status)
		}
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM clients WHERE self_registered = ?", true); n != 2 {
		t.Fatalf("%d self-registered clients, want the cap of 2", n)
	}
}

// What a client says about itself (its pages and contacts) is stored: the registration answer,
// the admin API's client read and the clients row all hold it. Page URIs are https, or http on
// loopback; contacts are bare e-mail addresses.
func TestRegistrationStoresClientInfo(t *testing.T) {
	t.Parallel()
	a := startAdmin(t, regEnabled("OAUTHD_REGISTRATION_RATE_LIMIT=100"))
	info := map[string]any{"client_uri": "https://app.example/", "logo_uri": "http://127.0.0.1:8080/logo.png",
		"tos_uri": "https://app.example/tos", "policy_uri": "https://app.example/privacy",
		"contacts": []any{"ops@app.example", "dev@app.example"}}
	md := map[string]any{"redirect_uris": []string{regRedirect}, "client_name": "Described"}
	for k, v := range info {
		md[k] = v
	}
	r := register(t, a.Server, "/oauth2/register", md)
	if r.Status != http.StatusCreated {
		t.Fatalf("register: %s", r)
	}
	read := a.call(t, "GET", "/clients/"+r.Str("client_id"), nil)
	expectStatus(t, "admin client read", read, http.StatusOK)
	for k, v := range info {
		if got := fmt.Sprint(r.JSON[k]); got != fmt.Sprint(v) {
			t.Errorf("registration answer %s = %s, want %v", k, got, v)
		}
		if got := fmt.Sprint(read.JSON[k]); got != fmt.Sprint(v) {
			t.Errorf("admin API %s = %s, want %v", k, got, v)
		}
	}
	var uri, tos, contacts string
	err := serverSQL(t, a.Server).QueryRow("SELECT client_uri, tos_uri, contacts FROM clients WHERE id = ?",
		r.Str("client_id")).Scan(&uri, &tos, &contacts)
	if err != nil || uri != "https://app.example/" || tos != "https://app.example/tos" ||
		contacts != "ops@app.example\ndev@app.example" {
		t.Fatalf("clients row: %q %q %q %v", uri, tos, contacts, err)
	}

	refused := map[string]map[string]any{
		"client_uri http off loopback": {"client_uri": "http://app.example/"},
		"logo_uri javascript":          {"logo_uri": "javascript:alert(1)"},
		"tos_uri relative":             {"tos_uri": "/tos"},
		"policy_uri with user info":    {"policy_uri": "https://bank.example@evil.example/"},
		"contact not an address":       {"contacts": []string{"call us"}},
		"contact with a name":          {"contacts": []string{"Ops <ops@app.example>"}},
		"contacts not a list":          {"contacts": "ops@app.example"},
	}
	for name, extra := range refused {
		md := map[string]any{"redirect_uris": []string{regRedirect}}
		for k, v := range extra {
			md[k] = v
		}
		if r := register(t, a.Server, "/oauth2/register", md); r.Status != http.StatusBadRequest ||
			r.Str("error") != "invalid_client_metadata" {
			t.Errorf("%s: %s, want 400 invalid_client_metadata", name, r)
		}
	}
	if n := frappeCount(t, a.Server, "SELECT COUNT(*) FROM clients"); n != 1 {
		t.Fatalf("refused registrations left %d clients, want 1", n)
	}
}

// application_type is stored, echoed and held to its redirect URIs: web (the default) https or
// loopback http, native loopback http or a private-use scheme; anything else is refused.
// client list and the admin API show it.
func TestRegistrationApplicationType(t *testing.T) {
	t.Parallel()
	a := startAdmin(t, regEnabled("OAUTHD_REGISTRATION_RATE_LIMIT=100"))
	web := register(t, a.Server, "/oauth2/register", map[string]any{"redirect_uris": []string{regRedirect}})
	native := register(t, a.Server, "/oauth2/register", map[string]any{"application_type": "native",
		"redirect_uris":              []string{"com.example.desktop:/callback", "http://localhost:7777/cb"},
		"token_endpoint_auth_method": "none"})
	for name, r := range map[string]*Resp{"web": web, "native": native} {
		if r.Status != http.StatusCreated || r.Str("application_type") != name {
			t.Fatalf("%s registration: %s", name, r)
		}
		read := a.call(t, "GET", "/clients/"+r.Str("client_id"), nil)
		if read.Str("application_type") != name {
			t.Errorf("admin API, %s client: %s", name, read.Raw)
		}
	}
	listed := jsonLines[map[string]any](t, a.CLI(t, "client", "list"))
	if len(listed) != 2 {
		t.Fatalf("client list: %v", listed)
	}
	for _, c := range listed { // both registered within one second: list order is by id then
		if want := map[string]string{web.Str("client_id"): "web", native.Str("client_id"): "native"}[c["client_id"].(string)]; c["application_type"] != want {
			t.Fatalf("client list: %s has application_type %v, want %q", c["client_id"], c["application_type"], want)
		}
	}
	refused := []struct {
		name, appType, redirect, code string
	}{
		{"bogus type", "bogus", regRedirect, "invalid_client_metadata"},
		{"web, private-use scheme", "web", "com.example.desktop:/callback", "invalid_redirect_uri"},
		{"native, https", "native", "https://localhost/cb", "invalid_redirect_uri"},
		{"native, scheme without a dot", "native", "myapp:/callback", "invalid_redirect_uri"},
	}
	for _, tc := range refused {
		r := register(t, a.Server, "/oauth2/register", map[string]any{"application_type": tc.appType,
			"redirect_uris": []string{tc.redirect}})
		if r.Status != http.StatusBadRequest || r.Str("error") != tc.code || r.Str("error_description") == "" {
			t.Errorf("%s: %s, want 400 %s", tc.name, r, tc.code)
		}
	}
	if n := frappeCount(t, a.Server, "SELECT COUNT(*) FROM clients"); n != 2 {
		t.Fatalf("refused registrations left clients: %d", n)
	}
}
