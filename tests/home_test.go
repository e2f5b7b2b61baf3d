package tests

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// homeForms are the landing page's forms, by action ("signout", or "revoke <client_id>").
func homeForms(t *testing.T, page *Resp) map[string]url.Values {
	t.Helper()
	forms := map[string]url.Values{}
	for _, m := range regexp.MustCompile(`(?s)<form method="post" action="/"[^>]*>(.*?)</form>`).FindAllSubmatch(page.Raw, -1) {
		f := hiddenFields(m[1])
		forms[strings.TrimSpace(f.Get("action")+" "+f.Get("client_id"))] = f
	}
	return forms
}

// homePage reads / and checks the protections it shares with the consent page.
func homePage(t *testing.T, b *http.Client, s *Server) *Resp {
	t.Helper()
	r := Send(t, b, "GET", s.URL+"/", nil, "Accept", "text/html")
	csp := r.Header.Get("Content-Security-Policy")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "form-action 'self';") ||
		strings.Contains(csp, "script-src") || r.Header.Get("X-Frame-Options") != "DENY" ||
		r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /: %s\n%v", r, r.Header)
	}
	return r
}

// The landing page: signed out, a way to sign in that comes back here; signed in, who, the
// apps with access (each revocable with a form bound to the session and the app), and a way
// out. Revoking ends the app's tokens at once on this instance and within a poll of the
// revocation feed on another that has them cached, and forgets the consent; the user's other
// apps keep theirs. A form without its token, or sent by another site, changes nothing.
func TestHomePage(t *testing.T) {
	t.Parallel()
	db := NewDatabase(t)
	a := StartServerOn(t, db, Env("OAUTHD_OAUTH_SKIP_AUTHORIZATION=auto"))
	other := StartServerOn(t, db)
	a.AddUser(t, frappeEmail, frappePassword, frappeName)
	photos := &frappeSite{Server: a, client: a.AddClient(t, "--name", "Photo <App>", "--redirect-uri", frappeRedirect,
		"--auth-method", "client_secret_post")}
	calendar := &frappeSite{Server: a, client: a.AddClient(t, "--name", "Calendar", "--redirect-uri", frappeRedirect,
		"--auth-method", "client_secret_post")}

	out := homePage(t, Browser(t), a)
	if !strings.Contains(string(out.Raw), `<a class="btn" href="/login?redirect-to=%2F" id="signin">`) {
		t.Fatalf("signed out: no sign-in link back here: %s", out.Raw)
	}
	page := SendForm(t, Browser(t), "GET", a.URL+"/login?redirect-to=%2F", nil)
	login := hiddenFields(page.Raw)
	login.Set("usr", frappeEmail)
	login.Set("pwd", frappePassword)
	b := Browser(t)
	if loc := SendForm(t, b, "POST", a.URL+"/login", login).Location(t); loc.String() != "/" {
		t.Fatalf("the login from / returns to %s", loc)
	}

	revoked := photos.frappeTokens(t, b)
	kept := calendar.frappeTokens(t, b)
	for _, tok := range []string{revoked.Str("access_token"), kept.Str("access_token")} {
		acceptedBy(t, other, tok) // cached there now
	}
	in := homePage(t, b, a)
	body := string(in.Raw)
	forms := homeForms(t, in)
	if !strings.Contains(body, frappeName) || !strings.Contains(body, frappeEmail) ||
		!strings.Contains(body, "Photo &lt;App&gt;") || !strings.Contains(body, "Calendar") ||
		strings.Index(body, "Calendar") > strings.Index(body, "Photo") || forms["signout"] == nil ||
		forms["revoke "+photos.client.ID] == nil || forms["revoke "+calendar.client.ID] == nil {
		t.Fatalf("signed in: %s", body)
	}

	revoke := forms["revoke "+photos.client.ID]
	forged := []struct {
		what   string
		form   url.Values
		hdr    []string
		status int
	}{
		{"no token", url.Values{"action": {"revoke"}, "client_id": {photos.client.ID}}, nil, http.StatusBadRequest},
		{"another app's token", url.Values{"action": {"revoke"}, "client_id": {photos.client.ID},
			"csrf_token": {forms["revoke "+calendar.client.ID].Get("csrf_token")}}, nil, http.StatusBadRequest},
		{"sent by another site", revoke, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
	}
	for _, f := range forged {
		if r := SendForm(t, b, "POST", a.URL+"/", f.form, f.hdr...); r.Status != f.status {
			t.Errorf("%s: %s, want %d", f.what, r, f.status)
		}
	}
	acceptedBy(t, a, revoked.Str("access_token"))

	if r := SendForm(t, b, "POST", a.URL+"/", revoke); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("revoke: %s", r)
	}
	if r, err := resGet(NoRedirect, a.URL+resFrappeLoggedUser, revoked.Str("access_token")); err != nil || r.Status != http.StatusUnauthorized {
		t.Fatalf("the revoked app's token on this instance: %v %v, want 401 at once", r, err)
	}
	if d := refusedWithin(t, other, revoked.Str("access_token"), 3*time.Second); d < 0 {
		t.Fatal("the other instance still accepts the revoked app's token after 3 s")
	}
	if r := photos.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {revoked.Str("refresh_token")}, "client_id": {photos.client.ID},
		"client_secret": {photos.client.Secret}}); r.Status != http.StatusBadRequest {
		t.Fatalf("the revoked app's refresh token: %s", r)
	}
	acceptedBy(t, other, kept.Str("access_token"))
	// The consent is forgotten: with skip_authorization auto the app asks again.
	frappeConsent(t, b, a.URL, frappeOAuth, photos.frappeQuery())
	if r := Send(t, b, "GET", a.URL+frappeOAuth+"authorize?"+calendar.frappeQuery().Encode(), nil); r.Status != http.StatusFound {
		t.Fatalf("the app not revoked: %s, want its remembered consent to skip the page", r)
	}
	after := homeForms(t, homePage(t, b, a))
	if after["revoke "+photos.client.ID] != nil || after["revoke "+calendar.client.ID] == nil {
		t.Fatalf("after the revocation: %v", after)
	}

	if r := SendForm(t, b, "POST", a.URL+"/", after["signout"]); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("sign out: %s", r)
	}
	if r := Send(t, b, "GET", a.URL+frappeLoggedIn, nil); r.Status == http.StatusOK {
		t.Fatal("signed out, the session still works")
	}
	if !strings.Contains(string(homePage(t, b, a).Raw), `id="signin"`) {
		t.Fatal("after signing out the page is not the signed-out one")
	}
}
