package tests

// The per-dialect drivers of the parity tests (parity_test.go) and of the golang.org/x/oauth2
// tests (oauth2lib_test.go). A driver knows its dialect's URLs and login, and the documented
// shape of each of its answers; the HTTP of authorize and token requests is the same in both
// dialects (a GET with a query, a POST of a form), so it is shared.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// The user and redirect URI every parity and oauth2lib server is set up with.
const (
	parityEmail    = "pat@example.com"
	parityPassword = "pat-parity-password"
	parityName     = "Pat Parity"
	parityOwner    = "olivia@example.com" // owner of client_credentials clients
	parityOwnerPwd = "olivia-owner-password"
	parityRedirect = "https://app.example/cb"
)

// parityPostForm posts a form; basic, when not nil, is sent as HTTP Basic credentials.
func parityPostForm(t *testing.T, target string, form url.Values, basic *Client) *Resp {
	t.Helper()
	req := Request(t, http.MethodPost, target, strings.NewReader(form.Encode()),
		"Content-Type", "application/x-www-form-urlencoded")
	if basic != nil {
		req.SetBasicAuth(basic.ID, basic.Secret)
	}
	return SendRequest(t, nil, req)
}

// parityKind is the outcome a step should have, in the core's terms; each dialect renders it
// in its own documented way.
type parityKind int

const (
	parityOK               parityKind = iota
	parityBadSecret                   // invalid_client: a known client with a wrong secret
	parityUnknownClient               // invalid_client at the token endpoint; a fatal authorize error
	parityCodeUnknown                 // a code the server never issued
	parityCodeUsed                    // a code presented again
	parityCodeExpired                 // a code past its lifetime
	parityCodeMismatch                // a code redeemed with another redirect_uri
	parityRefreshInvalid              // an unknown, revoked or foreign refresh token
	parityRedirectMismatch            // a fatal authorize error: unregistered redirect_uri
)

// rfcCode is the RFC 6749 error code of a failed token request.
func (k parityKind) rfcCode() string {
	switch k {
	case parityOK:
		return ""
	case parityBadSecret, parityUnknownClient:
		return "invalid_client"
	}
	return "invalid_grant"
}

// parityDialect drives one dialect.
type parityDialect interface {
	name() string
	authorizeURL(base string) string
	tokenURL(base string) string
	revokeURL(base string) string
	// resourceURL is the dialect's bearer check (Frappe get_logged_user, Odoo userinfo).
	resourceURL(base string) string
	// accessTTL is the dialect's default access token lifetime.
	accessTTL() time.Duration
	// login opens a session through the dialect's own login API and returns the browser.
	login(t *testing.T, s *Server, email, password string) *http.Client
	// whoami checks a bearer check's answer: the user's email on success, "" for a refused
	// token (in the dialect's documented failure shape).
	whoami(t *testing.T, r *Resp) string
	// checkToken checks a token endpoint answer against the documented shape for want.
	checkToken(t *testing.T, r *Resp, want parityKind, basic bool)
	// checkAuthorizeFatal checks an authorize error that must not redirect.
	checkAuthorizeFatal(t *testing.T, r *Resp, want parityKind, browser bool)
	// checkRevoked checks a successful revocation answer.
	checkRevoked(t *testing.T, r *Resp)
}

var parityDialects = []parityDialect{parityFrappe{}, parityOdoo{}}

// parityExact fails unless the body is exactly want (JSON values compared as decoded).
func parityExact(t *testing.T, what string, r *Resp, status int, want map[string]any) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Raw)
	}
	var exp map[string]any
	b, _ := json.Marshal(want)
	_ = json.Unmarshal(b, &exp)
	if !reflect.DeepEqual(r.JSON, exp) {
		t.Fatalf("%s: body %s, want %s", what, r.Raw, b)
	}
}

// parityKeys fails unless the body has exactly these keys.
func parityKeys(t *testing.T, what string, r *Resp, keys ...string) {
	t.Helper()
	slices.Sort(keys)
	if got := r.Keys(); !slices.Equal(got, keys) {
		t.Fatalf("%s: keys %v, want %v: %s", what, got, keys, r.Raw)
	}
}

func parityHeader(t *testing.T, what string, r *Resp, name, prefix string) {
	t.Helper()
	if v := r.Header.Get(name); !strings.HasPrefix(v, prefix) {
		t.Fatalf("%s: %s %q, want %q...", what, name, v, prefix)
	}
}

// --- Frappe ---

type parityFrappe struct{}

const parityFrappeOAuth = "/api/method/frappe.integrations.oauth2."

func (parityFrappe) name() string                    { return "frappe" }
func (parityFrappe) authorizeURL(base string) string { return base + parityFrappeOAuth + "authorize" }
func (parityFrappe) tokenURL(base string) string     { return base + parityFrappeOAuth + "get_token" }
func (parityFrappe) revokeURL(base string) string    { return base + parityFrappeOAuth + "revoke_token" }
func (parityFrappe) resourceURL(base string) string {
	return base + "/api/method/frappe.auth.get_logged_user"
}
func (parityFrappe) accessTTL() time.Duration { return time.Hour }

func (parityFrappe) login(t *testing.T, s *Server, email, password string) *http.Client {
	t.Helper()
	return frappeLoginAs(t, s, email, password)
}

func (parityFrappe) whoami(t *testing.T, r *Resp) string {
	t.Helper()
	if r.Status == http.StatusOK {
		parityKeys(t, "get_logged_user", r, "message")
		return r.Str("message")
	}
	parityExact(t, "get_logged_user refused", r, http.StatusUnauthorized, map[string]any{
		"description": r.JSON["description"], "status_code": 401, "error": "invalid_token"})
	parityHeader(t, "get_logged_user refused", r, "WWW-Authenticate", "Bearer ")
	return ""
}

func (parityFrappe) checkToken(t *testing.T, r *Resp, want parityKind, _ bool) {
	t.Helper()
	parityHeader(t, "get_token", r, "Cache-Control", "no-store")
	parityHeader(t, "get_token", r, "Content-Type", "application/json")
	if want == parityOK {
		parityKeys(t, "get_token", r, "access_token", "token_type", "expires_in", "refresh_token", "scope", "id_token")
		parityExact(t, "get_token", r, http.StatusOK, map[string]any{"access_token": r.Str("access_token"),
			"token_type": "Bearer", "expires_in": 3600, "refresh_token": r.Str("refresh_token"), "scope": "all openid",
			"id_token": parityIDToken(t, r)})
		return
	}
	status := http.StatusBadRequest
	if want.rfcCode() == "invalid_client" {
		status = http.StatusUnauthorized
		parityHeader(t, "get_token", r, "WWW-Authenticate", "Basic ")
	}
	parityKeys(t, "get_token error", r, "error", "error_description")
	parityExact(t, "get_token error", r, status, map[string]any{"error": want.rfcCode(),
		"error_description": r.JSON["error_description"]})
	if r.Str("error_description") == "" {
		t.Fatalf("get_token error without a description: %s", r.Raw)
	}
}

func (parityFrappe) checkAuthorizeFatal(t *testing.T, r *Resp, _ parityKind, browser bool) {
	t.Helper()
	if browser {
		// A person mid-login gets a page, not JSON; still 400 and still no redirect.
		if r.Status != http.StatusBadRequest || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("authorize (browser): %d %s, want a 400 HTML page", r.Status, r.Header.Get("Content-Type"))
		}
		return
	}
	parityKeys(t, "authorize", r, "description", "status_code", "error")
	parityExact(t, "authorize", r, http.StatusBadRequest, map[string]any{"description": r.JSON["description"],
		"status_code": 400, "error": "invalid_request"})
}

func (parityFrappe) checkRevoked(t *testing.T, r *Resp) {
	t.Helper()
	parityExact(t, "revoke_token", r, http.StatusOK, map[string]any{"message": "success"})
}

// --- Odoo ---

type parityOdoo struct{}

const parityOdooOAuth = "/restapi/1.0/common/oauth2/"

func (parityOdoo) name() string                    { return "odoo" }
func (parityOdoo) authorizeURL(base string) string { return base + parityOdooOAuth + "authorize" }
func (parityOdoo) tokenURL(base string) string     { return base + parityOdooOAuth + "access_token" }
func (parityOdoo) revokeURL(base string) string    { return base + parityOdooOAuth + "revoke" }
func (parityOdoo) resourceURL(base string) string  { return base + parityOdooOAuth + "userinfo" }
func (parityOdoo) accessTTL() time.Duration        { return 30 * time.Minute }

func (parityOdoo) login(t *testing.T, s *Server, email, password string) *http.Client {
	t.Helper()
	return odooLogin(t, s, email, password)
}

func (parityOdoo) whoami(t *testing.T, r *Resp) string {
	t.Helper()
	if r.Status == http.StatusOK {
		if r.Str("sub") == "" {
			t.Fatalf("userinfo without sub: %s", r.Raw)
		}
		return r.Str("email")
	}
	parityExact(t, "userinfo refused", r, http.StatusUnauthorized, map[string]any{"code": 401,
		"message": "Access Token Invalid"})
	parityHeader(t, "userinfo refused", r, "WWW-Authenticate", "Bearer ")
	return ""
}

// parityOdooMessages are the module's documented messages and statuses per outcome.
var parityOdooMessages = map[parityKind]struct {
	status  int
	message string
}{
	parityBadSecret:        {401, "Invalid Credentials."},
	parityUnknownClient:    {401, "Invalid Credentials."},
	parityCodeUnknown:      {401, "Invalid Authentication Code."},
	parityCodeUsed:         {400, "Authentication code expired"},
	parityCodeExpired:      {400, "Authentication code expired"},
	parityRefreshInvalid:   {400, "Invalid Refresh Token."},
	parityRedirectMismatch: {400, "redirect uri mismatch."},
}

func (parityOdoo) checkToken(t *testing.T, r *Resp, want parityKind, basic bool) {
	t.Helper()
	parityHeader(t, "access_token", r, "Cache-Control", "no-store")
	parityHeader(t, "access_token", r, "Content-Type", "application/json")
	if want == parityOK {
		parityKeys(t, "access_token", r, "access_token", "token_type", "access_token_validity", "refresh_token",
			"expires_in", "scope", "id_token")
		parityExact(t, "access_token", r, http.StatusOK, map[string]any{"access_token": r.Str("access_token"),
			"token_type": "Bearer", "access_token_validity": 1800, "refresh_token": r.Str("refresh_token"),
			"expires_in": 1800, "scope": "all openid", "id_token": parityIDToken(t, r)})
		return
	}
	// The module's {"code","message"}, with RFC 6749's error and error_description beside it.
	m, documented := parityOdooMessages[want]
	if !documented { // no message of the module's for it: the core's words, status 400
		m.status, m.message = 400, r.Str("message")
	}
	parityKeys(t, "access_token error", r, "code", "message", "error", "error_description")
	parityExact(t, "access_token error", r, m.status, map[string]any{"code": m.status, "message": m.message,
		"error": want.rfcCode(), "error_description": r.JSON["error_description"]})
	if basic && want.rfcCode() == "invalid_client" {
		parityHeader(t, "access_token error", r, "WWW-Authenticate", "Basic ")
	}
}

func (parityOdoo) checkAuthorizeFatal(t *testing.T, r *Resp, want parityKind, _ bool) {
	t.Helper()
	m := parityOdooMessages[want]
	parityExact(t, "authorize", r, m.status, map[string]any{"code": m.status, "message": m.message})
	parityHeader(t, "authorize", r, "Content-Type", "application/json")
}

func (parityOdoo) checkRevoked(t *testing.T, r *Resp) {
	t.Helper()
	parityExact(t, "revoke", r, http.StatusOK, map[string]any{"code": 200, "message": "Token revoked."})
}

// parityWhoami asks both dialects' bearer checks who token belongs to: the email, or "" when
// both refuse it. They must agree: it is one token store.
func parityWhoami(t *testing.T, s *Server, token string) string {
	t.Helper()
	var seen []string
	for _, d := range parityDialects {
		r := Send(t, nil, http.MethodGet, d.resourceURL(s.URL), nil, "Authorization", "Bearer "+token)
		seen = append(seen, d.whoami(t, r))
	}
	if seen[0] != seen[1] {
		t.Fatalf("the dialects disagree about a token: %s says %q, %s says %q",
			parityDialects[0].name(), seen[0], parityDialects[1].name(), seen[1])
	}
	return seen[0]
}

// parityIDToken is the id_token of a token answer for "all openid", which must be a compact JWS
// (TestOIDCGoOIDCBothDialects verifies its signature and claims).
func parityIDToken(t *testing.T, r *Resp) string {
	t.Helper()
	if strings.Count(r.Str("id_token"), ".") != 2 {
		t.Fatalf("token answer %s: want an id_token for the openid scope", r.Raw)
	}
	return r.Str("id_token")
}
