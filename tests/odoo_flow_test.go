package tests

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Nango's "odoo" connector: a browser redirect to authorize, the login page, the consent page,
// the redirect back with code and state, then form POSTs for the code and for refreshes.
func TestOdooNangoBrowserFlowWithFormExchangeAndRefresh(t *testing.T) {
	e := odooSetup(t)
	hc := Browser(t)

	start := e.authorizeQuery("scope", "all openid")
	r := odooGet(t, hc, start, "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	if r.Status != http.StatusFound {
		t.Fatalf("logged-out authorize: %d %s", r.Status, r.Raw)
	}
	back := strings.TrimPrefix(start, e.s.URL)
	if got, want := r.Header.Get("Location"), "/web/login?redirect="+url.QueryEscape(back); got != want {
		t.Fatalf("login redirect %q, want %q", got, want)
	}

	page := odooGet(t, hc, e.s.URL+r.Header.Get("Location"))
	if page.Status != http.StatusOK || !strings.Contains(string(page.Raw), `name="login"`) ||
		hiddenFields(page.Raw).Get("redirect") != back {
		t.Fatalf("login page: %d %s", page.Status, page.Raw)
	}
	r = odooPostForm(t, hc, e.s.URL+"/web/login", url.Values{"login": {odooUser}, "password": {odooUserPass},
		"redirect": {back}})
	if r.Status != http.StatusFound || r.Header.Get("Location") != back {
		t.Fatalf("login post: %d, Location %q", r.Status, r.Header.Get("Location"))
	}

	consent := odooGet(t, hc, e.s.URL+back)
	if consent.Status != http.StatusOK || !strings.Contains(string(consent.Raw), "Confirm Access") {
		t.Fatalf("consent page: %d %s", consent.Status, consent.Raw)
	}
	form := hiddenFields(consent.Raw)
	if form.Get("csrf_token") == "" || form.Get("redirect_uri") != odooRedirect {
		t.Fatalf("consent form fields %v", form)
	}
	if !strings.Contains(string(consent.Raw), `action="`+odooOAuth+`/approve"`) {
		t.Fatalf("consent form does not post to the Odoo approve action: %s", consent.Raw)
	}
	form.Set("decision", "allow")
	r = odooPostForm(t, hc, e.s.URL+odooOAuth+"/approve", form)
	if r.Status != http.StatusFound {
		t.Fatalf("approve: %d %s", r.Status, r.Raw)
	}
	cb := r.Location(t)
	if cb.Scheme+"://"+cb.Host+cb.Path != odooRedirect || cb.Query().Get("state") != "st-123" {
		t.Fatalf("approve redirected to %s", cb)
	}

	tok := e.exchange(t, cb.Query().Get("code"))
	odooExpect(t, tok, http.StatusOK, map[string]any{"token_type": "Bearer", "access_token_validity": float64(1800),
		"expires_in": float64(1800), "scope": "all openid"})
	odooJSONHeaders(t, tok)
	refresh := tok.Str("refresh_token")

	// Odoo clients refresh with the same refresh token every time.
	seen := map[string]bool{tok.Str("access_token"): true}
	for i := 0; i < 2; i++ {
		ref := odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", url.Values{
			"client_id": {e.client.ID}, "client_secret": {e.client.Secret}, "grant_type": {"refresh_token"},
			"refresh_token": {refresh}})
		odooExpect(t, ref, http.StatusOK, map[string]any{"refresh_token": refresh,
			"access_token_validity": float64(1800), "token_type": "Bearer"})
		if seen[ref.Str("access_token")] {
			t.Fatal("refresh repeated an access token")
		}
		seen[ref.Str("access_token")] = true
	}
	// Every access token of the non-rotating grant stays valid until it expires, as in the
	// module.
	for access := range seen {
		odooExpect(t, odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+"/userinfo", "Authorization", "Bearer "+access),
			http.StatusOK, map[string]any{"email": odooUser})
	}

	// The consent is remembered only as the core remembers it; the code was consumed.
	var usedAt int64
	if err := serverSQL(t, e.s).QueryRow("SELECT used_at FROM authorization_codes").Scan(&usedAt); err != nil || usedAt == 0 {
		t.Fatalf("code row used_at = %d, %v; want it consumed", usedAt, err)
	}
}

// A rotating client (the default, and what RFC 9700 recommends) gets a new refresh token each
// time; the old one is then refused, and presenting it again revokes the grant.
func TestOdooRefreshRotatingClient(t *testing.T) {
	e := odooSetup(t, Env("OAUTHD_OAUTH_REFRESH_REUSE_INTERVAL=0s")) // the replay below is theft at once
	e.client = e.s.AddClient(t, "--name", "Rotating", "--redirect-uri", odooRedirect, "--auth-method",
		"client_secret_post", "--owner", odooOwner, "--grant-type", "authorization_code,refresh_token")
	tok := e.ownerTokens(t)
	refresh := func(rt string) *Resp {
		return odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", url.Values{
			"client_id": {e.client.ID}, "client_secret": {e.client.Secret}, "grant_type": {"refresh_token"},
			"refresh_token": {rt}})
	}
	first := refresh(tok.Str("refresh_token"))
	odooExpect(t, first, http.StatusOK, nil)
	if first.Str("refresh_token") == "" || first.Str("refresh_token") == tok.Str("refresh_token") {
		t.Fatalf("rotating client got refresh token %q back", first.Str("refresh_token"))
	}
	odooExpect(t, refresh(tok.Str("refresh_token")), http.StatusBadRequest, map[string]any{"code": float64(400),
		"message": "Invalid Refresh Token.", "error": "invalid_grant"})
	odooExpect(t, refresh(first.Str("refresh_token")), http.StatusBadRequest, map[string]any{
		"message": "Invalid Refresh Token."})
}

// Nango's "odoo-cc" connector: a form POST of client_id, client_secret and
// grant_type=client_credentials, reading access_token_validity as seconds.
func TestOdooNangoClientCredentials(t *testing.T) {
	e := odooSetup(t)
	r := odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", url.Values{
		"client_id": {e.client.ID}, "client_secret": {e.client.Secret}, "grant_type": {"client_credentials"}})
	odooExpect(t, r, http.StatusOK, map[string]any{"token_type": "Bearer", "access_token_validity": float64(1800),
		"expires_in": float64(1800), "scope": "all openid"})
	odooJSONHeaders(t, r)
	if _, ok := r.JSON["refresh_token"]; ok {
		t.Fatalf("client_credentials must not issue a refresh token: %s", r.Raw)
	}
	// The token acts as the client's owner.
	odooExpect(t, odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+"/userinfo", "Authorization",
		"Bearer "+r.Str("access_token")), http.StatusOK, map[string]any{"email": odooOwner, "name": "Olga Owner"})
}

// Browser scripts post FormData with only client_id and client_secret: the module issues a
// token on those alone, and so do we for a client allowed client_credentials.
func TestOdooMultipartWithoutGrantType(t *testing.T) {
	e := odooSetup(t)
	r := odooPostMultipart(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token",
		map[string]string{"client_id": e.client.ID, "client_secret": e.client.Secret})
	odooExpect(t, r, http.StatusOK, map[string]any{"token_type": "Bearer", "access_token_validity": float64(1800)})

	// Multipart refresh, as the same scripts do.
	tok := e.ownerTokens(t)
	r = odooPostMultipart(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", map[string]string{
		"client_id": e.client.ID, "client_secret": e.client.Secret, "grant_type": "refresh_token",
		"refresh_token": tok.Str("refresh_token")})
	odooExpect(t, r, http.StatusOK, map[string]any{"refresh_token": tok.Str("refresh_token")})

	// Without the grant the client is refused, in the module's shape.
	other := e.s.AddClient(t, "--name", "No CC", "--redirect-uri", odooRedirect, "--auth-method", "client_secret_post",
		"--owner", odooOwner)
	r = odooPostMultipart(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token",
		map[string]string{"client_id": other.ID, "client_secret": other.Secret})
	odooExpect(t, r, http.StatusBadRequest, map[string]any{"code": float64(400), "error": "unauthorized_client"})
	// Nor is a client without an owner user to act as.
	orphan := e.s.AddClient(t, "--name", "Orphan", "--redirect-uri", odooRedirect, "--auth-method",
		"client_secret_post", "--grant-type", "client_credentials")
	r = odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", url.Values{
		"client_id": {orphan.ID}, "client_secret": {orphan.Secret}, "grant_type": {"client_credentials"}})
	odooExpect(t, r, http.StatusBadRequest, map[string]any{"code": float64(400), "error": "unauthorized_client"})
}

// The module unquotes redirect_uri once more, so clients that encode it twice work; the same
// value then passes the token endpoint's redirect_uri check.
func TestOdooDoubleEncodedRedirectURI(t *testing.T) {
	e := odooSetup(t)
	hc := odooLogin(t, e.s, odooOwner, odooOwnerPass)
	raw := e.s.URL + odooOAuth + "/authorize?response_type=code&state=s&client_id=" + e.client.ID +
		"&redirect_uri=" + url.QueryEscape(url.QueryEscape(odooRedirect))
	r := odooGet(t, hc, raw)
	if r.Status != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), odooRedirect+"?") {
		t.Fatalf("double-encoded authorize: %d %q %s", r.Status, r.Header.Get("Location"), r.Raw)
	}
	code := r.Location(t).Query().Get("code")
	tok := odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", url.Values{
		"client_id": {e.client.ID}, "client_secret": {e.client.Secret}, "code": {code},
		"grant_type": {"authorization_code"}, "redirect_uri": {url.QueryEscape(odooRedirect)}})
	odooExpect(t, tok, http.StatusOK, nil)
}

// HTTP Basic client authentication works for a client registered for it, and the token can
// be requested as JSON data via Accept (the query-style authorize then answers with data).
func TestOdooBasicClientAndJSONAuthorize(t *testing.T) {
	e := odooSetup(t)
	basic := e.s.AddClient(t, "--name", "Basic", "--redirect-uri", odooRedirect, "--owner", odooOwner,
		"--auth-method", "client_secret_basic")
	hc := odooLogin(t, e.s, odooOwner, odooOwnerPass)
	q := url.Values{"client_id": {basic.ID}, "redirect_uri": {odooRedirect}, "response_type": {"code"},
		"state": {"json-state"}}
	authz := odooGet(t, hc, e.s.URL+odooOAuth+"/authorize?"+q.Encode(), "Accept", "application/json")
	odooExpect(t, authz, http.StatusOK, map[string]any{"state": "json-state"})

	req := Request(t, http.MethodPost, e.s.URL+odooOAuth+"/access_token", strings.NewReader(url.Values{
		"code": {authz.Str("code")}, "grant_type": {"authorization_code"}, "redirect_uri": {odooRedirect}}.Encode()),
		"Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(basic.ID, basic.Secret)
	odooExpect(t, odooDo(t, http.DefaultClient, req), http.StatusOK, map[string]any{"token_type": "Bearer"})

	// The same client posting its secret in the form is refused: it registered Basic.
	r := odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", url.Values{
		"client_id": {basic.ID}, "client_secret": {basic.Secret}, "grant_type": {"refresh_token"},
		"refresh_token": {"x"}})
	odooExpect(t, r, http.StatusUnauthorized, map[string]any{"message": "Invalid Credentials.", "error": "invalid_client"})
}
