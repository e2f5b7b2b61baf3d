package tests

// Helpers of the Frappe dialect tests: Frappe's own test fixtures (the user test@example.com
// and the client "_Test OAuth Client" redirecting to http://localhost), requests read whole,
// and the steps of the code flow.

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

const (
	frappeOAuth    = "/api/method/frappe.integrations.oauth2."
	frappeLegacy   = "/api/method/frappe.integration_broker.oauth2."
	frappeLoggedIn = "/api/method/frappe.auth.get_logged_user"
	frappeEmail    = "test@example.com"
	frappePassword = "Eastern_43A1W"
	frappeName     = "Test User"
	frappeRedirect = "http://localhost"
	frappeApp      = "_Test OAuth Client"
	// frappeVerifier and frappeChallenge are the PKCE vector of Frappe's test_oauth20.py.
	frappeVerifier  = "420"
	frappeChallenge = "21XaP8MJjpxCMRxgEzBP82sZ73PRLqkyBUta1R309J0"
)

// frappeSite is a server with Frappe's test user and a confidential client_secret_post client.
type frappeSite struct {
	*Server
	client Client
}

// frappeStart starts a server with the user and the client; clientArgs add to `client add`.
func frappeStart(t *testing.T, opts []Option, clientArgs ...string) *frappeSite {
	t.Helper()
	s := StartServer(t, opts...)
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	args := append([]string{"--name", frappeApp, "--redirect-uri", frappeRedirect}, clientArgs...)
	if !slices.Contains(clientArgs, "--auth-method") { // --auth-method adds to a set: give one only
		args = append(args, "--auth-method", "client_secret_post")
	}
	return &frappeSite{Server: s, client: s.AddClient(t, args...)}
}

// frappeExpect checks a status and that the JSON body holds want (values compared as JSON).
func frappeExpect(t *testing.T, what string, r *Resp, status int, want map[string]any) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Raw)
	}
	for k, v := range want {
		got, _ := json.Marshal(r.JSON[k])
		exp, _ := json.Marshal(v)
		if string(got) != string(exp) {
			t.Errorf("%s: %q = %s, want %s (body %s)", what, k, got, exp, r.Raw)
		}
	}
}

// frappeLogin logs a new browser in as Frappe's test user through /api/method/login.
func (s *frappeSite) frappeLogin(t *testing.T) *http.Client {
	t.Helper()
	return frappeLoginAs(t, s.Server, frappeEmail, frappePassword)
}

func frappeLoginAs(t *testing.T, s *Server, email, password string) *http.Client {
	t.Helper()
	b := Browser(t)
	r := SendForm(t, b, "POST", s.URL+"/api/method/login", url.Values{"usr": {email}, "pwd": {password}})
	if r.Status != http.StatusOK || r.Str("message") != "Logged In" {
		t.Fatalf("frappe login %s: %d %s", email, r.Status, r.Raw)
	}
	return b
}

// frappeQuery is an authorization request of the site's client; extra pairs override.
func (s *frappeSite) frappeQuery(extra ...string) url.Values {
	q := url.Values{"client_id": {s.client.ID}, "response_type": {"code"}, "redirect_uri": {frappeRedirect},
		"scope": {"all openid"}, "state": {"st-" + randomHex(4)}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

// frappeConsent opens the consent page of an authorization request and returns its form.
func frappeConsent(t *testing.T, b *http.Client, base, prefix string, q url.Values) url.Values {
	t.Helper()
	r := Send(t, b, "GET", base+prefix+"authorize?"+q.Encode(), nil)
	if r.Status != http.StatusOK || !strings.Contains(string(r.Raw), "Confirm Access") {
		t.Fatalf("authorize: want the consent page, got %d %s: %.300s", r.Status, r.Header.Get("Location"), r.Raw)
	}
	return hiddenFields(r.Raw)
}

// frappeDecide posts the consent form with decision allow or deny and returns the redirect.
func frappeDecide(t *testing.T, b *http.Client, base, prefix string, form url.Values, decision string) *url.URL {
	t.Helper()
	form.Set("decision", decision)
	return SendForm(t, b, "POST", base+prefix+"approve", form).Location(t)
}

// frappeCode runs authorize and Allow under prefix and returns the code, checking the state.
func (s *frappeSite) frappeCode(t *testing.T, b *http.Client, prefix string, q url.Values) string {
	t.Helper()
	loc := frappeDecide(t, b, s.URL, prefix, frappeConsent(t, b, s.URL, prefix, q), "allow")
	if !strings.HasPrefix(loc.String(), q.Get("redirect_uri")+"?") || loc.Query().Get("state") != q.Get("state") {
		t.Fatalf("approve redirected to %s, want %s with state %q", loc, q.Get("redirect_uri"), q.Get("state"))
	}
	return loc.Query().Get("code")
}

// frappeToken posts a get_token form.
func (s *frappeSite) frappeToken(t *testing.T, prefix string, form url.Values, hdr ...string) *Resp {
	t.Helper()
	return SendForm(t, nil, "POST", s.URL+prefix+"get_token", form, hdr...)
}

// frappeExchange redeems a code as the site's client (client_secret_post) and requires 200.
func (s *frappeSite) frappeExchange(t *testing.T, prefix, code string) *Resp {
	t.Helper()
	r := s.frappeToken(t, prefix, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {frappeRedirect}, "client_id": {s.client.ID}, "client_secret": {s.client.Secret}})
	frappeExpect(t, "get_token", r, http.StatusOK, map[string]any{"token_type": "Bearer"})
	return r
}

// frappeTokens runs the whole flow for a logged-in browser and returns the token response.
func (s *frappeSite) frappeTokens(t *testing.T, b *http.Client) *Resp {
	t.Helper()
	return s.frappeExchange(t, frappeOAuth, s.frappeCode(t, b, frappeOAuth, s.frappeQuery()))
}

// frappeBearer calls a resource with a bearer token in the named header.
func (s *frappeSite) frappeBearer(t *testing.T, method, path, header, token string) *Resp {
	t.Helper()
	return Send(t, nil, method, s.URL+path, nil, header, "Bearer "+token)
}

// frappeCount counts rows matching a query of the form "SELECT COUNT(*) FROM ...".
func frappeCount(t *testing.T, s *Server, query string, args ...any) int {
	t.Helper()
	var n int
	if err := serverSQL(t, s).QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// frappeS256 is a PKCE S256 challenge.
func frappeS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
