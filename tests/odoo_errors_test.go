package tests

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// odooExact fails unless the JSON body is exactly want.
func odooExact(t *testing.T, r *Resp, status int, want map[string]any) {
	t.Helper()
	odooExpect(t, r, status, want)
	if len(r.JSON) != len(want) {
		t.Fatalf("body %s has other keys than %v", r.Raw, want)
	}
	odooJSONHeaders(t, r)
}

func TestOdooAuthorizeLoginRequired(t *testing.T) {
	e := odooSetup(t)
	want := map[string]any{"code": float64(401), "message": "Authentication required"}
	r := odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+"/authorize", "Authorization",
		odooHeader("client_id", e.client.ID, "redirect_uri", odooRedirect, "response_type", "code", "state", "s"))
	odooExact(t, r, http.StatusUnauthorized, want)
	r = odooGet(t, http.DefaultClient, e.authorizeQuery(), "Accept", "application/json")
	odooExact(t, r, http.StatusUnauthorized, want)
	// A stale or forged session cookie is no session.
	req := Request(t, http.MethodGet, e.authorizeQuery(), nil, "Accept", "application/json")
	req.AddCookie(&http.Cookie{Name: "session_id", Value: strings.Repeat("A", 40)})
	odooExact(t, odooDo(t, http.DefaultClient, req), http.StatusUnauthorized, want)
}

// Errors about the client or redirect_uri are never sent to the redirect_uri, in either style.
func TestOdooAuthorizeClientAndRedirectErrors(t *testing.T) {
	e := odooSetup(t)
	hc := odooLogin(t, e.s, odooOwner, odooOwnerPass)
	invalid := map[string]any{"code": float64(401), "message": "Invalid Credentials."}
	mismatch := map[string]any{"code": float64(400), "message": "redirect uri mismatch."}

	odooExact(t, odooGet(t, hc, e.authorizeQuery("client_id", "no-such-client")), http.StatusUnauthorized, invalid)
	odooExact(t, odooGet(t, hc, e.authorizeQuery("client_id", "")), http.StatusUnauthorized, invalid)
	odooExact(t, odooGet(t, hc, e.s.URL+odooOAuth+"/authorize", "Authorization", odooHeader("client_id", "nope",
		"redirect_uri", odooRedirect, "response_type", "code")), http.StatusUnauthorized, invalid)

	for _, uri := range []string{"https://127.0.0.1/callback/", "https://evil.example/callback",
		"https://127.0.0.1/CALLBACK", "https%3A%2F%2Fevil.example"} {
		r := odooGet(t, hc, e.authorizeQuery("redirect_uri", uri))
		odooExact(t, r, http.StatusBadRequest, mismatch)
		if r.Header.Get("Location") != "" {
			t.Fatalf("redirect_uri %q: redirected to %s", uri, r.Header.Get("Location"))
		}
	}
	odooExact(t, odooGet(t, hc, e.s.URL+odooOAuth+"/authorize", "Authorization", odooHeader("client_id", e.client.ID,
		"redirect_uri", "https://evil.example/cb", "response_type", "code")), http.StatusBadRequest, mismatch)
}

// Errors found after redirect_uri is verified go back to it for a browser, and into the body
// for a header-style or JSON caller. (An unregistered scope is no error here: the dialect
// narrows it, see TestOdooScopeNarrowing.)
func TestOdooAuthorizeRedirectableErrors(t *testing.T) {
	e := odooSetup(t)
	hc := odooLogin(t, e.s, odooOwner, odooOwnerPass)
	cases := []struct {
		name  string
		extra []string
		error string
	}{
		{"response_type", []string{"response_type", "token"}, "unsupported_response_type"},
		{"missing response_type", []string{"response_type", ""}, "invalid_request"},
		{"pkce method", []string{"code_challenge", strings.Repeat("a", 43), "code_challenge_method", "MD5"}, "invalid_request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := odooGet(t, hc, e.authorizeQuery(tc.extra...))
			if r.Status != http.StatusFound {
				t.Fatalf("browser: %d %s", r.Status, r.Raw)
			}
			loc := r.Location(t)
			q := loc.Query()
			if loc.Scheme+"://"+loc.Host+loc.Path != odooRedirect || q.Get("error") != tc.error ||
				q.Get("state") != "st-123" || q.Get("error_description") == "" || q.Has("code") {
				t.Fatalf("browser redirected to %s", loc)
			}

			pairs := []string{"client_id", e.client.ID, "redirect_uri", odooRedirect, "response_type", "code",
				"state", "st-123"}
			for i := 0; i+1 < len(tc.extra); i += 2 {
				for j := 0; j+1 < len(pairs); j += 2 {
					if pairs[j] == tc.extra[i] {
						pairs[j+1] = tc.extra[i+1]
					}
				}
				if !strings.Contains(strings.Join(pairs, " "), tc.extra[i]+" ") {
					pairs = append(pairs, tc.extra[i], tc.extra[i+1])
				}
			}
			r = odooGet(t, hc, e.s.URL+odooOAuth+"/authorize", "Authorization", odooHeader(pairs...))
			odooExpect(t, r, http.StatusBadRequest, map[string]any{"code": float64(400), "error": tc.error})
			if r.Str("message") == "" || r.Str("message") != r.Str("error_description") {
				t.Fatalf("header style body %s", r.Raw)
			}
		})
	}
}

// A user who is not the client's owner must consent; a header-style request cannot show a
// page, so it is refused. The consent page's Deny goes back with access_denied.
func TestOdooAuthorizeConsentRequiredAndDeny(t *testing.T) {
	e := odooSetup(t)
	hc := odooLogin(t, e.s, odooUser, odooUserPass)
	r := odooGet(t, hc, e.s.URL+odooOAuth+"/authorize", "Authorization",
		odooHeader("client_id", e.client.ID, "redirect_uri", odooRedirect, "response_type", "code", "state", "s"))
	odooExpect(t, r, http.StatusForbidden, map[string]any{"code": float64(403)})
	if r.Str("message") == "" {
		t.Fatalf("403 without message: %s", r.Raw)
	}

	page := odooGet(t, hc, e.authorizeQuery())
	form := hiddenFields(page.Raw)
	form.Set("decision", "deny")
	r = odooPostForm(t, hc, e.s.URL+odooOAuth+"/approve", form)
	if q := r.Location(t).Query(); r.Status != http.StatusFound || q.Get("error") != "access_denied" || q.Get("state") != "st-123" {
		t.Fatalf("deny: %d %s", r.Status, r.Header.Get("Location"))
	}

	// The approve action needs the session and the CSRF token of that session.
	form.Set("decision", "allow")
	odooExact(t, odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/approve", form), http.StatusUnauthorized,
		map[string]any{"code": float64(401), "message": "Authentication required"})
	other := odooLogin(t, e.s, odooUser, odooUserPass) // another session of the same user
	odooExpect(t, odooPostForm(t, other, e.s.URL+odooOAuth+"/approve", form), http.StatusForbidden,
		map[string]any{"code": float64(403)})
	form.Del("csrf_token")
	odooExpect(t, odooPostForm(t, hc, e.s.URL+odooOAuth+"/approve", form), http.StatusForbidden,
		map[string]any{"code": float64(403)})
	// A tampered redirect_uri no longer matches the request the CSRF token was made for.
	form = hiddenFields(page.Raw)
	form.Set("decision", "allow")
	form.Set("redirect_uri", "https://evil.example/cb")
	odooExact(t, odooPostForm(t, hc, e.s.URL+odooOAuth+"/approve", form), http.StatusForbidden,
		map[string]any{"code": float64(403), "message": "Invalid or missing CSRF token."})
}

// The same parameter in the header and the query: one value is fine, two values are a 400.
func TestOdooParameterConflicts(t *testing.T) {
	e := odooSetup(t)
	hc := odooLogin(t, e.s, odooOwner, odooOwnerPass)
	header := odooHeader("client_id", e.client.ID, "redirect_uri", odooRedirect, "response_type", "code", "state", "s")

	r := odooGet(t, hc, e.s.URL+odooOAuth+"/authorize?client_id="+e.client.ID+"&state=s", "Authorization", header)
	odooExpect(t, r, http.StatusOK, map[string]any{"state": "s"})

	r = odooGet(t, hc, e.s.URL+odooOAuth+"/authorize?state=other", "Authorization", header)
	odooExpect(t, r, http.StatusBadRequest, map[string]any{"code": float64(400), "error": "invalid_request"})
	if !strings.Contains(r.Str("message"), "given twice") || strings.Contains(r.Str("message"), "state") {
		t.Fatalf("conflict message %q: want the conflict, without echoing the parameter's name", r.Str("message"))
	}

	// Query against form body on the token endpoint, and a secret in both Basic and the body.
	r = odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token?grant_type=refresh_token",
		url.Values{"client_id": {e.client.ID}, "client_secret": {e.client.Secret}, "grant_type": {"client_credentials"}})
	odooExpect(t, r, http.StatusBadRequest, map[string]any{"code": float64(400), "error": "invalid_request"})
	req := Request(t, http.MethodPost, e.s.URL+odooOAuth+"/access_token", strings.NewReader(
		url.Values{"client_secret": {e.client.Secret}}.Encode()), "Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.client.ID, e.client.Secret)
	odooExpect(t, odooDo(t, http.DefaultClient, req), http.StatusBadRequest, map[string]any{"code": float64(400)})
}

func TestOdooBadOAuthHeader(t *testing.T) {
	e := odooSetup(t)
	hc := odooLogin(t, e.s, odooOwner, odooOwnerPass)
	for _, h := range []string{"OAuth client_id='unterminated", "OAuth client_id='a', client_id='a'",
		"OAuth redirect_uri='%zz'", "OAuth novalue"} {
		for _, path := range []string{"/authorize", "/access_token"} {
			method := http.MethodGet
			if path == "/access_token" {
				method = http.MethodPost
			}
			r := odooDo(t, hc, Request(t, method, e.s.URL+odooOAuth+path, nil, "Authorization", h))
			odooExpect(t, r, http.StatusBadRequest, map[string]any{"code": float64(400)})
			if r.Str("message") != "Invalid OAuth header." {
				t.Fatalf("%s %q: message %q", path, h, r.Str("message"))
			}
		}
	}
}

func TestOdooTokenErrors(t *testing.T) {
	e := odooSetup(t)
	post := func(form url.Values) *Resp {
		return odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", form)
	}
	creds := func(kv ...string) url.Values {
		v := url.Values{"client_id": {e.client.ID}, "client_secret": {e.client.Secret}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	t.Run("bad client", func(t *testing.T) {
		for _, form := range []url.Values{
			{"client_id": {e.client.ID}, "client_secret": {"wrong"}, "grant_type": {"client_credentials"}},
			{"client_id": {"nobody"}, "client_secret": {e.client.Secret}},
			{"client_id": {e.client.ID}},
			{},
		} {
			r := post(form)
			odooExpect(t, r, http.StatusUnauthorized, map[string]any{"code": float64(401),
				"message": "Invalid Credentials.", "error": "invalid_client"})
			odooJSONHeaders(t, r)
		}
	})
	t.Run("unknown code", func(t *testing.T) {
		for _, code := range []string{"dcee1806d2c50d0fb598", strings.Repeat("x", 40), ""} {
			odooExpect(t, post(creds("grant_type", "authorization_code", "code", code)), http.StatusUnauthorized,
				map[string]any{"code": float64(401), "message": "Invalid Authentication Code.", "error": "invalid_grant"})
		}
	})
	t.Run("used code revokes its tokens", func(t *testing.T) {
		code := e.ownerCode(t)
		first := e.exchange(t, code)
		odooExpect(t, first, http.StatusOK, nil)
		odooExpect(t, e.exchange(t, code), http.StatusBadRequest, map[string]any{"code": float64(400),
			"message": "Authentication code expired", "error": "invalid_grant"})
		odooExpect(t, odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+"/userinfo", "Authorization",
			"Bearer "+first.Str("access_token")), http.StatusUnauthorized, map[string]any{"message": "Access Token Invalid"})
	})
	t.Run("redirect_uri differs", func(t *testing.T) {
		r := post(creds("grant_type", "authorization_code", "code", e.ownerCode(t),
			"redirect_uri", "https://127.0.0.1/other"))
		odooExpect(t, r, http.StatusBadRequest, map[string]any{"code": float64(400), "error": "invalid_grant",
			"message": "redirect uri mismatch.", "error_description": "Mismatching redirect URI."})
	})
	t.Run("pkce", func(t *testing.T) {
		code := e.ownerCode(t, "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
			"code_challenge_method", "S256")
		r := post(creds("grant_type", "authorization_code", "code", code, "redirect_uri", odooRedirect))
		odooExpect(t, r, http.StatusBadRequest, map[string]any{"code": float64(400), "error": "invalid_grant"})
		if r.Str("message") != r.Str("error_description") || r.Str("message") == "" {
			t.Fatalf("pkce failure body %s", r.Raw)
		}
		code = e.ownerCode(t, "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
			"code_challenge_method", "S256")
		odooExpect(t, post(creds("grant_type", "authorization_code", "code", code, "redirect_uri", odooRedirect,
			"code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")), http.StatusOK, nil)
	})
	t.Run("bad refresh token", func(t *testing.T) {
		tok := e.ownerTokens(t)
		for _, rt := range []string{"nope", "", tok.Str("access_token")} {
			odooExpect(t, post(creds("grant_type", "refresh_token", "refresh_token", rt)), http.StatusBadRequest,
				map[string]any{"code": float64(400), "message": "Invalid Refresh Token.", "error": "invalid_grant"})
		}
	})
	t.Run("unsupported grant", func(t *testing.T) {
		odooExpect(t, post(creds("grant_type", "password")), http.StatusBadRequest,
			map[string]any{"code": float64(400), "error": "unsupported_grant_type"})
	})
}

func TestOdooExpiredCodeAndToken(t *testing.T) {
	e := odooSetup(t, Env("OAUTHD_OAUTH_CODE_TTL=1s", "OAUTHD_ODOO_ACCESS_TTL=1s"))
	code := e.ownerCode(t)
	tok := e.ownerTokens(t)
	odooExpect(t, tok, http.StatusOK, map[string]any{"access_token_validity": float64(1), "expires_in": float64(1)})
	time.Sleep(2100 * time.Millisecond)
	odooExpect(t, e.exchange(t, code), http.StatusBadRequest, map[string]any{"code": float64(400),
		"message": "Authentication code expired"})
	odooExact(t, odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+"/userinfo", "Authorization",
		"Bearer "+tok.Str("access_token")), http.StatusUnauthorized,
		map[string]any{"code": float64(401), "message": "Access Token Invalid"})
}

// When the database does not answer, the token endpoint says so in the module's shape.
func TestOdooStoreDown(t *testing.T) {
	e := odooSetup(t)
	if _, err := serverSQL(t, e.s).Exec("ALTER TABLE clients RENAME TO clients_gone"); err != nil {
		t.Fatal(err)
	}
	r := odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", url.Values{
		"client_id": {e.client.ID}, "client_secret": {e.client.Secret}, "grant_type": {"client_credentials"}})
	odooExpect(t, r, http.StatusServiceUnavailable, map[string]any{"code": float64(503),
		"message": "Service Unavailable", "error": "temporarily_unavailable"})
	odooJSONHeaders(t, r)
}

// Bad input is a 4xx in the module's shape, never a 500.
func TestOdooBadInputNeverFails(t *testing.T) {
	e := odooSetup(t)
	token := e.s.URL + odooOAuth + "/access_token"
	cases := []struct {
		name, contentType, body, query string
		status                         int
	}{
		{"json body", "application/json", `{"client_id":"` + e.client.ID + `","client_secret":"x"}`, "", 401},
		{"empty body", "", "", "", 401},
		{"text body", "text/plain", "client_id=x", "", 401},
		{"garbage content type", "this is not/a type;;", "client_id=x", "", 401},
		{"form in other case", "Application/X-WWW-Form-Urlencoded", "client_id=" + e.client.ID + "&client_secret=bad", "", 401},
		{"broken multipart", "multipart/form-data; boundary=xyz", "--xyz\r\nnot a part", "", 400},
		{"multipart without boundary", "multipart/form-data", "client_id=x", "", 400},
		{"invalid utf-8 in form", "application/x-www-form-urlencoded", "client_id=%ff%fe", "", 400},
		{"invalid utf-8 in query", "", "", "client_id=%C0%AF", 400},
		{"bad escapes", "application/x-www-form-urlencoded", "client_id=%zz&client_secret=%", "", 401},
		{"nul bytes", "application/x-www-form-urlencoded", "client_id=a%00b&client_secret=%00", "", 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target := token
			if tc.query != "" {
				target += "?" + tc.query
			}
			hdr := []string{}
			if tc.contentType != "" {
				hdr = append(hdr, "Content-Type", tc.contentType)
			}
			r := odooDo(t, http.DefaultClient, Request(t, http.MethodPost, target, strings.NewReader(tc.body), hdr...))
			if tc.name == "broken multipart" {
				// fasthttp parses multipart bodies before any handler runs, so the server's
				// generic 400 answers this one.
				odooExpect(t, r, tc.status, nil)
				return
			}
			odooExpect(t, r, tc.status, map[string]any{"code": float64(tc.status)})
		})
	}

	hc := odooLogin(t, e.s, odooOwner, odooOwnerPass)
	odooExpect(t, odooGet(t, hc, e.s.URL+odooOAuth+"/authorize?client_id=%ff&state=%fe"), http.StatusBadRequest,
		map[string]any{"code": float64(400)})
	odooExpect(t, odooGet(t, hc, e.s.URL+odooOAuth+"/authorize?redirect_uri=%&client_id="+e.client.ID),
		http.StatusBadRequest, map[string]any{"message": "redirect uri mismatch."})
	for _, auth := range []string{"Basic !!!", "Bearer", "Digest x=y", "OAuth"} {
		r := odooDo(t, http.DefaultClient, Request(t, http.MethodPost, token, nil, "Authorization", auth))
		odooExpect(t, r, http.StatusUnauthorized, map[string]any{"message": "Invalid Credentials."})
	}
}

// The module took token requests by any method; we take only POST, so secrets stay out of URLs.
func TestOdooTokenEndpointsArePostOnly(t *testing.T) {
	e := odooSetup(t)
	for _, path := range []string{"/access_token", "/revoke", "/approve"} {
		r := odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+path+"?client_id="+e.client.ID+
			"&client_secret="+e.client.Secret)
		odooExpect(t, r, http.StatusMethodNotAllowed, map[string]any{"code": float64(405), "error": "invalid_request"})
		if r.Header.Get("Allow") != "POST" {
			t.Fatalf("%s: Allow %q", path, r.Header.Get("Allow"))
		}
	}
}
