package tests

// authorize, the consent page and approve.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A guest is sent to /login with the whole authorization request in redirect-to, and the login
// page brings them back to it; redirect-to never leads off-site.
func TestFrappeAuthorizeLoginRoundTrip(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	b := Browser(t)
	q := s.frappeQuery("scope", "all openid")
	raw := strings.ReplaceAll(q.Encode(), "+", "%20")

	loc := Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+raw, nil).Location(t)
	back := frappeOAuth + "authorize?" + raw
	if loc.Path != "/login" || loc.Query().Get("redirect-to") != back || strings.Contains(loc.RawQuery, "+") {
		t.Fatalf("guest authorize redirected to %s, want /login?redirect-to=%s with %%20 for spaces", loc, back)
	}

	page := Send(t, b, "GET", s.URL+loc.String(), nil, "Accept", "text/html")
	if page.Status != http.StatusOK || !strings.Contains(string(page.Raw), `name="usr"`) {
		t.Fatalf("login page: %d %.300s", page.Status, page.Raw)
	}
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+frappeRedirect+";") {
		t.Errorf("login page CSP %q: the redirects after the login must be allowed to reach the client", csp)
	}
	hidden := hiddenInput.FindSubmatch(page.Raw)
	if hidden == nil || string(hidden[1]) != "redirect-to" {
		t.Fatalf("login page has no redirect-to field: %.500s", page.Raw)
	}

	r := SendForm(t, b, "POST", s.URL+"/login", url.Values{"usr": {frappeEmail}, "pwd": {frappePassword},
		"redirect-to": {back}})
	if got := r.Location(t); got.String() != back {
		t.Fatalf("login redirected to %s, want %s", got, back)
	}
	frappeConsent(t, b, s.URL, frappeOAuth, q)

	// A form POST to authorize is carried over into the query.
	post := SendForm(t, Browser(t), "POST", s.URL+frappeLegacy+"authorize", q).Location(t)
	carried, err := url.Parse(post.Query().Get("redirect-to"))
	if err != nil || carried.Path != frappeLegacy+"authorize" || carried.Query().Encode() != q.Encode() {
		t.Fatalf("guest POST authorize redirected to %s, want its parameters in redirect-to", post)
	}

	for _, evil := range []string{"//evil.example/x", "https://evil.example/x", "/\\evil.example", "javascript:alert(1)"} {
		r := SendForm(t, Browser(t), "POST", s.URL+"/login", url.Values{"usr": {frappeEmail}, "pwd": {frappePassword},
			"redirect-to": {evil}})
		if got := r.Location(t); got.String() != "/" {
			t.Errorf("login with redirect-to %q redirected to %s, want /", evil, got)
		}
	}
}

func TestFrappeAuthorizeErrors(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	b := s.frappeLogin(t)
	authorize := func(q url.Values, hdr ...string) *Resp {
		return Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+q.Encode(), nil, hdr...)
	}

	// Never redirected: the client or its redirect URI is not verified.
	for _, tc := range []struct {
		name string
		q    url.Values
		desc string
	}{
		{"unknown client", s.frappeQuery("client_id", "nope"), "Invalid client_id parameter value."},
		{"missing client_id", s.frappeQuery("client_id", ""), "Missing client_id parameter."},
		{"unregistered redirect_uri", s.frappeQuery("redirect_uri", "https://evil.example/cb"), "Mismatching redirect URI."},
		{"redirect_uri with a trailing slash", s.frappeQuery("redirect_uri", frappeRedirect+"/"), "Mismatching redirect URI."},
		{"redirect_uri of another case", s.frappeQuery("redirect_uri", "http://LOCALHOST"), "Mismatching redirect URI."},
	} {
		r := authorize(tc.q)
		frappeExpect(t, tc.name, r, http.StatusBadRequest, map[string]any{"description": tc.desc, "status_code": 400,
			"error": "invalid_request"})
		if len(r.JSON) != 3 || r.Header.Get("Location") != "" {
			t.Errorf("%s: %s, want exactly description, status_code and error, and no Location", tc.name, r.Raw)
		}
		page := authorize(tc.q, "Accept", "text/html,application/xhtml+xml")
		if page.Status != http.StatusBadRequest || !strings.Contains(string(page.Raw), tc.desc) ||
			!strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s for a browser: %d %s %.200s, want an HTML error page", tc.name, page.Status,
				page.Header.Get("Content-Type"), page.Raw)
		}
	}
	dup := Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+s.frappeQuery().Encode()+"&redirect_uri=https://evil.example", nil)
	frappeExpect(t, "redirect_uri twice", dup, http.StatusBadRequest, map[string]any{"error": "invalid_request",
		"description": "Duplicate parameter."})

	// Redirected with error, error_description and state once the redirect URI is verified.
	for _, tc := range []struct {
		name  string
		q     url.Values
		error string
	}{
		{"scope not granted to the client", s.frappeQuery("scope", "all admin"), "invalid_scope"},
		{"implicit response_type", s.frappeQuery("response_type", "token"), "unsupported_response_type"},
		{"missing response_type", s.frappeQuery("response_type", ""), "invalid_request"},
		{"unknown PKCE method", s.frappeQuery("code_challenge", frappeChallenge, "code_challenge_method", "S512"), "invalid_request"},
		{"plain PKCE", s.frappeQuery("code_challenge", frappeChallenge, "code_challenge_method", "plain"), "invalid_request"},
	} {
		loc := authorize(tc.q).Location(t)
		got := loc.Query()
		if loc.Scheme+"://"+loc.Host != frappeRedirect || got.Get("error") != tc.error || got.Get("error_description") == "" ||
			got.Get("state") != tc.q.Get("state") || got.Has("code") {
			t.Errorf("%s: redirected to %s, want error=%s with a description and state %q", tc.name, loc, tc.error, tc.q.Get("state"))
		}
	}
	if n := frappeCount(t, s.Server, "SELECT COUNT(*) FROM authorization_codes"); n != 0 {
		t.Errorf("%d codes issued by failed requests", n)
	}
}

func TestFrappeConsentPage(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil, "--name", `<img src=x onerror=alert(1)> "Evil" & Co`)
	b := s.frappeLogin(t)
	for _, prefix := range []string{frappeOAuth, frappeLegacy} {
		q := s.frappeQuery("state", `"><script>alert(1)</script>`)
		r := Send(t, b, "GET", s.URL+prefix+"authorize?"+q.Encode(), nil)
		page := string(r.Raw)
		if r.Status != http.StatusOK || !strings.Contains(page, "<title>Confirm Access</title>") {
			t.Fatalf("consent page: %d %.300s", r.Status, page)
		}
		for _, want := range []string{`&lt;img src=x onerror=alert(1)&gt; &#34;Evil&#34; &amp; Co`,
			`value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`, "Full Name", "Email", "Roles",
			`action="` + prefix + `approve"`, `value="allow"`, `value="deny"`, ">Allow<", ">Deny<", frappeEmail} {
			if !strings.Contains(page, want) {
				t.Errorf("consent page under %s lacks %q", prefix, want)
			}
		}
		if strings.Contains(page, "<script>") || strings.Contains(page, "<img") {
			t.Errorf("consent page under %s shows unescaped markup", prefix)
		}
		csp := r.Header.Get("Content-Security-Policy")
		if r.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(csp, "frame-ancestors 'none'") ||
			!strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "form-action 'self' "+frappeRedirect+";") {
			t.Errorf("consent page headers: X-Frame-Options %q, CSP %q", r.Header.Get("X-Frame-Options"), csp)
		}
	}
}

func TestFrappeApprove(t *testing.T) {
	t.Parallel()
	const tenant = "http://localhost/cb?tenant=7"
	s := frappeStart(t, nil, "--redirect-uri", tenant)
	b := s.frappeLogin(t)
	q := s.frappeQuery("redirect_uri", tenant)
	form := frappeConsent(t, b, s.URL, frappeOAuth, q)
	approve := s.URL + frappeOAuth + "approve"

	r := Send(t, b, "GET", approve+"?"+form.Encode(), nil)
	frappeExpect(t, "GET approve", r, http.StatusMethodNotAllowed, map[string]any{"error": "invalid_request"})
	if r.Header.Get("Allow") != "POST" {
		t.Errorf("GET approve: Allow %q, want POST", r.Header.Get("Allow"))
	}
	allow := func(f url.Values) url.Values { f = frappeClone(f); f.Set("decision", "allow"); return f }
	frappeExpect(t, "approve without a session", SendForm(t, Browser(t), "POST", approve, allow(form)),
		http.StatusForbidden, map[string]any{"error": "access_denied"})
	noCSRF := allow(form)
	noCSRF.Del("csrf_token")
	frappeExpect(t, "approve without a CSRF token", SendForm(t, b, "POST", approve, noCSRF), http.StatusForbidden, nil)
	other := frappeConsent(t, s.frappeLogin(t), s.URL, frappeOAuth, q)
	stolen := allow(form)
	stolen.Set("csrf_token", other.Get("csrf_token"))
	frappeExpect(t, "approve with another session's CSRF token", SendForm(t, b, "POST", approve, stolen), http.StatusForbidden, nil)
	tampered := allow(form)
	tampered.Set("redirect_uri", "https://evil.example/cb")
	// The CSRF token is bound to the request it was made for: a changed field is refused.
	frappeExpect(t, "approve with a changed redirect_uri", SendForm(t, b, "POST", approve, tampered), http.StatusForbidden, nil)
	if n := frappeCount(t, s.Server, "SELECT COUNT(*) FROM authorization_codes"); n != 0 {
		t.Fatalf("%d codes issued by refused approvals", n)
	}

	// The redirect URI's own query is kept: the code and state follow after "&".
	loc := frappeDecide(t, b, s.URL, frappeOAuth, form, "allow")
	if !strings.HasPrefix(loc.String(), tenant+"&code=") || loc.Query().Get("tenant") != "7" || loc.Query().Get("state") != q.Get("state") {
		t.Fatalf("Allow redirected to %s, want %s&code=...&state=%s", loc, tenant, q.Get("state"))
	}
	loc = frappeDecide(t, b, s.URL, frappeOAuth, frappeConsent(t, b, s.URL, frappeOAuth, q), "deny")
	if !strings.HasPrefix(loc.String(), tenant+"&error=access_denied") || loc.Query().Get("state") != q.Get("state") {
		t.Fatalf("Deny redirected to %s", loc)
	}
	var scope string
	if err := serverSQL(t, s.Server).QueryRow("SELECT scope FROM consents WHERE client_id = ?", s.client.ID).Scan(&scope); err != nil || scope != "all openid" {
		t.Errorf("consent row: scope %q, %v", scope, err)
	}
	if n := frappeCount(t, s.Server, "SELECT COUNT(*) FROM authorization_codes WHERE redirect_uri = ?", tenant); n != 1 {
		t.Errorf("%d codes for %s, want the one Allow issued", n, tenant)
	}
}

func frappeClone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// skip_authorization on the client, and the server setting skip_authorization = "auto".
func TestFrappeSkipAuthorization(t *testing.T) {
	t.Parallel()
	t.Run("client", func(t *testing.T) {
		t.Parallel()
		s := frappeStart(t, nil, "--skip-authorization")
		b := s.frappeLogin(t)
		q := s.frappeQuery()
		loc := Send(t, b, "GET", s.URL+frappeLegacy+"authorize?"+q.Encode(), nil).Location(t)
		if !strings.HasPrefix(loc.String(), frappeRedirect+"?code=") || loc.Query().Get("state") != q.Get("state") {
			t.Fatalf("skip_authorization client: redirected to %s, want the code", loc)
		}
		s.frappeExchange(t, frappeLegacy, loc.Query().Get("code"))
	})
	t.Run("auto", func(t *testing.T) {
		t.Parallel()
		s := frappeStart(t, []Option{Env("OAUTHD_OAUTH_SKIP_AUTHORIZATION=auto")})
		b := s.frappeLogin(t)
		s.frappeExchange(t, frappeOAuth, s.frappeCode(t, b, frappeOAuth, s.frappeQuery("scope", "all")))
		loc := Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+s.frappeQuery("scope", "all").Encode(), nil).Location(t)
		if !strings.HasPrefix(loc.String(), frappeRedirect+"?code=") {
			t.Fatalf("auto with an active token: redirected to %s, want the code", loc)
		}
		frappeConsent(t, b, s.URL, frappeOAuth, s.frappeQuery("scope", "all openid")) // more scopes: ask
		s.AddUser(t, "other@example.com", "other-password", "Other User")
		other := frappeLoginAs(t, s.Server, "other@example.com", "other-password")
		frappeConsent(t, other, s.URL, frappeOAuth, s.frappeQuery("scope", "all")) // another user: ask
	})
	t.Run("force", func(t *testing.T) {
		t.Parallel()
		s := frappeStart(t, nil)
		b := s.frappeLogin(t)
		s.frappeTokens(t, b)
		frappeConsent(t, b, s.URL, frappeOAuth, s.frappeQuery())
	})
}
