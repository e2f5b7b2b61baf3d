package tests

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// secrets collects every secret a test used, to search the server's log for them.
type secrets []string

func (s *secrets) add(vs ...string) {
	for _, v := range vs {
		if len(v) >= 7 {
			*s = append(*s, v)
		}
	}
}

// cookies adds the values of every cookie a browser holds for base.
func (s *secrets) cookies(t *testing.T, b *http.Client, base string) {
	t.Helper()
	u, _ := url.Parse(base)
	for _, c := range b.Jar.(*cookiejar.Jar).Cookies(u) {
		s.add(c.Value)
	}
}

// assertNotIn fails for any secret that appears in log, whole or as any 7-character piece.
func (s secrets) assertNotIn(t *testing.T, log string) {
	t.Helper()
	if len(s) < 10 {
		t.Fatalf("only %d secrets collected: the flows did not run", len(s))
	}
	for _, secret := range s {
		for i := 0; i+7 <= len(secret); i++ {
			if piece := secret[i : i+7]; strings.Contains(log, piece) {
				t.Fatalf("the log holds %q, a piece of the secret %q", piece, secret)
			}
		}
	}
}

// accessLines parses the JSON access lines of a log.
func accessLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(log, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	return lines
}

func TestLogsNeverHoldASecretFrappe(t *testing.T) {
	site := frappeStart(t, []Option{Env("OAUTHD_LOG_LEVEL=debug", "OAUTHD_LOG_FORMAT=json")})
	owned := site.AddClient(t, "--name", "Service", "--redirect-uri", frappeRedirect, "--auth-method",
		"client_secret_post", "--owner", frappeEmail, "--grant-type", "client_credentials")
	var sec secrets
	sec.add(frappePassword, site.client.Secret, owned.Secret)
	b := frappeLoginAs(t, site.Server, frappeEmail, frappePassword)
	sec.cookies(t, b, site.URL)
	// the GET login of Frappe clients puts the password in the URL
	Send(t, Browser(t), "GET", site.URL+"/api/method/login?usr="+url.QueryEscape(frappeEmail)+"&pwd="+frappePassword, nil)
	q := site.frappeQuery()
	form := frappeConsent(t, b, site.URL, frappeOAuth, q)
	sec.add(form.Get("csrf_token"))
	code := frappeDecide(t, b, site.URL, frappeOAuth, form, "allow").Query().Get("code")
	sec.add(code)
	tok := site.frappeExchange(t, frappeOAuth, code)
	sec.add(tok.Str("access_token"), tok.Str("refresh_token"))
	auth := func(f url.Values) url.Values {
		f.Set("client_id", site.client.ID)
		f.Set("client_secret", site.client.Secret)
		return f
	}
	site.frappeToken(t, frappeOAuth, auth(url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {frappeRedirect}})) // replayed: refused, and the grant revoked
	code2 := site.frappeCode(t, b, frappeOAuth, site.frappeQuery())
	sec.add(code2)
	tok = site.frappeExchange(t, frappeOAuth, code2)
	sec.add(tok.Str("access_token"), tok.Str("refresh_token"))
	ref := site.frappeToken(t, frappeOAuth, auth(url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {tok.Str("refresh_token")}}))
	sec.add(ref.Str("access_token"), ref.Str("refresh_token"))
	cc := site.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"client_credentials"},
		"client_id": {owned.ID}, "client_secret": {owned.Secret}})
	sec.add(cc.Str("access_token"))
	if cc.Str("access_token") == "" {
		t.Fatalf("client_credentials: %s", cc.Raw)
	}
	for _, tk := range []string{ref.Str("access_token"), cc.Str("access_token")} {
		site.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", tk)
		SendForm(t, nil, "POST", site.URL+frappeOAuth+"introspect_token", auth(url.Values{"token": {tk}}))
		SendForm(t, nil, "POST", site.URL+frappeOAuth+"revoke_token", auth(url.Values{"token": {tk}}))
	}
	site.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"client_credentials"}, "client_id": {site.client.ID},
		"client_secret": {"wrong-" + site.client.Secret}})
	Send(t, b, "GET", site.URL+"/api/method/logout", nil)
	site.Stop(t)

	log := site.log.String()
	sec.assertNotIn(t, log)
	lines := accessLines(t, log)
	var sawClient, sawUser bool
	for _, l := range lines {
		if l["request_id"] == "" || l["route"] == "" || l["status"] == nil || l["latency_ms"] == nil || l["time"] == nil {
			t.Fatalf("access line lacks a field: %v", l)
		}
		if strings.HasSuffix(l["route"].(string), "get_token") && l["status"] == 200.0 {
			sawClient = sawClient || l["client_id"] == site.client.ID && l["dialect"] == "frappe"
		}
		if l["route"] == frappeLoggedIn && l["status"] == 200.0 && l["user_id"] != nil {
			sawUser = true
		}
	}
	if len(lines) < 15 || !sawClient || !sawUser {
		t.Fatalf("%d access lines; token line with client_id: %v; bearer line with user_id: %v\n%s",
			len(lines), sawClient, sawUser, log)
	}
	for _, event := range []string{`"msg":"schema migrated"`, `"msg":"listening"`, `"msg":"shutting down"`} {
		if !strings.Contains(log, event) {
			t.Errorf("no %s event in the log", event)
		}
	}
}

func TestLogsNeverHoldASecretOdoo(t *testing.T) {
	e := odooSetup(t, Env("OAUTHD_LOG_LEVEL=debug", "OAUTHD_LOG_FORMAT=json"))
	var sec secrets
	sec.add(odooOwnerPass, odooUserPass, e.client.Secret)
	hc := odooLogin(t, e.s, odooOwner, odooOwnerPass)
	sec.cookies(t, hc, e.s.URL)
	r := odooGet(t, hc, e.authorizeQuery())
	code := r.Location(t).Query().Get("code")
	sec.add(code)
	// the module's clients send the secret in the query string
	tok := odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token?client_secret="+e.client.Secret,
		url.Values{"client_id": {e.client.ID}, "code": {code}, "grant_type": {"authorization_code"},
			"redirect_uri": {odooRedirect}})
	sec.add(tok.Str("access_token"), tok.Str("refresh_token"))
	user := odooLogin(t, e.s, odooUser, odooUserPass)
	sec.cookies(t, user, e.s.URL)
	consent := odooGet(t, user, e.authorizeQuery())
	fields := hiddenFields(consent.Raw)
	sec.add(fields.Get("csrf_token"))
	ref := odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", url.Values{
		"client_id": {e.client.ID}, "client_secret": {e.client.Secret}, "grant_type": {"refresh_token"},
		"refresh_token": {tok.Str("refresh_token")}})
	sec.add(ref.Str("access_token"))
	cc := odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", url.Values{
		"client_id": {e.client.ID}, "client_secret": {e.client.Secret}, "grant_type": {"client_credentials"}})
	sec.add(cc.Str("access_token"))
	for _, tk := range []string{tok.Str("access_token"), cc.Str("access_token")} {
		odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+"/userinfo", "Authorization", "Bearer "+tk)
		odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/revoke", url.Values{"token": {tk},
			"client_id": {e.client.ID}, "client_secret": {e.client.Secret}})
	}
	odooRPCLogin(t, Browser(t), e.s, odooUser, "wrong-"+odooUserPass)
	e.s.Stop(t)

	log := e.s.log.String()
	sec.assertNotIn(t, log)
	var odooLines int
	for _, l := range accessLines(t, log) {
		if l["dialect"] == "odoo" {
			odooLines++
		}
	}
	if odooLines < 10 {
		t.Fatalf("%d odoo access lines:\n%s", odooLines, log)
	}
}
