package tests

// golang.org/x/oauth2 as a real client of both dialects: the authorization code flow with
// PKCE, a TokenSource refreshing an expired token, and the clientcredentials package.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// libConfig is an oauth2.Config for client c of dialect d.
func libConfig(s *Server, d parityDialect, c Client, style oauth2.AuthStyle) *oauth2.Config {
	return &oauth2.Config{ClientID: c.ID, ClientSecret: c.Secret, RedirectURL: parityRedirect,
		Scopes:   []string{"all", "openid"},
		Endpoint: oauth2.Endpoint{AuthURL: d.authorizeURL(s.URL), TokenURL: d.tokenURL(s.URL), AuthStyle: style}}
}

// libAuthorize logs in through d, GETs the config's AuthCodeURL with the session (redirects
// not followed) and returns the redirect's query, whose state must be ours.
func libAuthorize(t *testing.T, s *Server, d parityDialect, cfg *oauth2.Config, opts ...oauth2.AuthCodeOption) url.Values {
	t.Helper()
	b := d.login(t, s, parityEmail, parityPassword)
	state := "st-" + randomHex(8)
	r := Send(t, b, http.MethodGet, cfg.AuthCodeURL(state, opts...), nil)
	loc, err := url.Parse(r.Header.Get("Location"))
	if r.Status != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), parityRedirect+"?") {
		t.Fatalf("authorize: want a 302 to %s, got %d %q: %s", parityRedirect, r.Status, r.Header.Get("Location"), r.Raw)
	}
	if got := loc.Query().Get("state"); got != state {
		t.Fatalf("state %q came back as %q", state, got)
	}
	return loc.Query()
}

// libCode is libAuthorize for a request that must succeed.
func libCode(t *testing.T, s *Server, d parityDialect, cfg *oauth2.Config, opts ...oauth2.AuthCodeOption) string {
	t.Helper()
	q := libAuthorize(t, s, d, cfg, opts...)
	if q.Get("code") == "" {
		t.Fatalf("authorize redirected without a code: %v", q)
	}
	return q.Get("code")
}

// libWhoami GETs every dialect's bearer check with an oauth2-made client and returns the email
// they agree on.
func libWhoami(t *testing.T, s *Server, hc *http.Client) string {
	t.Helper()
	var seen []string
	for _, d := range parityDialects {
		r := Send(t, hc, http.MethodGet, d.resourceURL(s.URL), nil)
		if r.Status != http.StatusOK {
			t.Fatalf("%s bearer check: %d %s", d.name(), r.Status, r.Raw)
		}
		seen = append(seen, d.whoami(t, r))
	}
	if seen[0] != seen[1] {
		t.Fatalf("the dialects' bearer checks disagree: %q", seen)
	}
	return seen[0]
}

// libExpiry fails unless exp is ttl after some instant in [before, after], give or take the
// second the server rounds to.
func libExpiry(t *testing.T, exp, before, after time.Time, ttl time.Duration) {
	t.Helper()
	if exp.Before(before.Add(ttl-time.Second)) || exp.After(after.Add(ttl+time.Second)) {
		t.Fatalf("Expiry %v, want about %v after %v", exp, ttl, before)
	}
}

// libRecorder is a transport that keeps every request and response it carries.
type libRecorder struct {
	mu       sync.Mutex
	requests []libExchange
}

type libExchange struct {
	url           string
	authorization string
	form          url.Values
	status        int
	body          []byte
}

func (rec *libRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := libExchange{url: req.URL.String(), authorization: req.Header.Get("Authorization")}
	if req.Body != nil {
		raw, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		ex.form, _ = url.ParseQuery(string(raw))
		req.Body = io.NopCloser(bytes.NewReader(raw))
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(raw))
	ex.status, ex.body = res.StatusCode, raw
	rec.mu.Lock()
	rec.requests = append(rec.requests, ex)
	rec.mu.Unlock()
	return res, nil
}

func (rec *libRecorder) all() []libExchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]libExchange(nil), rec.requests...)
}

// context makes the oauth2 package send its requests through the recorder.
func (rec *libRecorder) context(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: rec, Timeout: 30 * time.Second})
}

// libRetrieveError fails unless err is the oauth2 package's RetrieveError with this code.
func libRetrieveError(t *testing.T, err error, code string, status int) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != code || re.Response.StatusCode != status {
		t.Fatalf("error %v, want an oauth2.RetrieveError %q with status %d", err, code, status)
	}
}

func TestOAuth2LibAuthCodePKCE(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	s.AddUser(t, parityEmail, parityPassword, parityName)
	add := func(method string) Client {
		return s.AddClient(t, "--name", "oauth2 "+method, "--redirect-uri", parityRedirect, "--auth-method", method,
			"--skip-authorization")
	}
	post, basic, public := add("client_secret_post"), add("client_secret_basic"), add("none")
	if public.Secret != "" {
		t.Fatalf("a public client got a secret")
	}
	cases := []struct {
		name   string
		client Client
		style  oauth2.AuthStyle
		// requests the token exchange takes: AutoDetect tries HTTP Basic first and falls back
		// to the form when that fails.
		requests int
	}{
		{"client_secret_post", post, oauth2.AuthStyleInParams, 1},
		{"client_secret_basic", basic, oauth2.AuthStyleInHeader, 1},
		{"autodetect_post", post, oauth2.AuthStyleAutoDetect, 2},
		{"autodetect_basic", basic, oauth2.AuthStyleAutoDetect, 1},
		{"public", public, oauth2.AuthStyleInParams, 1},
	}
	for _, d := range parityDialects {
		for _, tc := range cases {
			t.Run(d.name()+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				cfg := libConfig(s, d, tc.client, tc.style)
				verifier := oauth2.GenerateVerifier()
				code := libCode(t, s, d, cfg, oauth2.S256ChallengeOption(verifier))

				rec := &libRecorder{}
				before := time.Now()
				tok, err := cfg.Exchange(rec.context(t.Context()), code, oauth2.VerifierOption(verifier))
				after := time.Now()
				if err != nil {
					t.Fatalf("Exchange: %v", err)
				}
				if n := len(rec.all()); n != tc.requests {
					t.Fatalf("Exchange made %d token requests, want %d", n, tc.requests)
				}
				if first := rec.all()[0]; tc.requests == 2 && (first.status != http.StatusUnauthorized ||
					!strings.HasPrefix(first.authorization, "Basic ")) {
					t.Fatalf("AutoDetect's first try: %d with %q: %s", first.status, first.authorization, first.body)
				}
				if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Type() != "Bearer" ||
					tok.Extra("scope") != "all openid" || tok.ExpiresIn != int64(d.accessTTL()/time.Second) {
					t.Fatalf("token %+v", tok)
				}
				libExpiry(t, tok.Expiry, before, after, d.accessTTL())
				if d.name() == "odoo" && tok.Extra("access_token_validity") != float64(1800) {
					t.Fatalf("access_token_validity %v, want 1800 seconds", tok.Extra("access_token_validity"))
				}
				if who := libWhoami(t, s, cfg.Client(t.Context(), tok)); who != parityEmail {
					t.Fatalf("bearer checks say %q, want %q", who, parityEmail)
				}
			})
		}
		t.Run(d.name()+"/public_pkce_required", func(t *testing.T) {
			t.Parallel()
			cfg := libConfig(s, d, public, oauth2.AuthStyleInParams)
			// No challenge: refused at the (verified) redirect URI.
			if q := libAuthorize(t, s, d, cfg); q.Get("error") != "invalid_request" || q.Get("code") != "" {
				t.Fatalf("authorize without PKCE redirected with %v, want error=invalid_request", q)
			}
			verifier := oauth2.GenerateVerifier()
			code := libCode(t, s, d, cfg, oauth2.S256ChallengeOption(verifier))
			_, err := cfg.Exchange(t.Context(), code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
			libRetrieveError(t, err, "invalid_grant", http.StatusBadRequest)
			code = libCode(t, s, d, cfg, oauth2.S256ChallengeOption(verifier))
			_, err = cfg.Exchange(t.Context(), code)
			libRetrieveError(t, err, "invalid_grant", http.StatusBadRequest)
		})
	}
}

func TestOAuth2LibTokenSourceRefresh(t *testing.T) {
	t.Parallel()
	const ttl = 2 * time.Second
	s := StartServer(t, Env("OAUTHD_FRAPPE_ACCESS_TTL=2s", "OAUTHD_ODOO_ACCESS_TTL=2s"))
	s.AddUser(t, parityEmail, parityPassword, parityName)
	rotating := s.AddClient(t, "--name", "rotating", "--redirect-uri", parityRedirect, "--auth-method",
		"client_secret_post", "--skip-authorization")
	keeping := s.AddClient(t, "--name", "keeping", "--redirect-uri", parityRedirect, "--auth-method",
		"client_secret_post", "--skip-authorization", "--refresh-rotation", "off")
	for _, d := range parityDialects {
		for _, rotate := range []bool{true, false} {
			client := map[bool]Client{true: rotating, false: keeping}[rotate]
			t.Run(d.name()+map[bool]string{true: "/rotating", false: "/rotation_off"}[rotate], func(t *testing.T) {
				t.Parallel()
				cfg := libConfig(s, d, client, oauth2.AuthStyleInParams)
				verifier := oauth2.GenerateVerifier()
				code := libCode(t, s, d, cfg, oauth2.S256ChallengeOption(verifier))
				before := time.Now()
				tok, err := cfg.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
				if err != nil {
					t.Fatalf("Exchange: %v", err)
				}
				libExpiry(t, tok.Expiry, before, time.Now(), ttl)
				if tok.ExpiresIn != 2 {
					t.Fatalf("expires_in %d, want 2", tok.ExpiresIn)
				}

				// Wait, bounded, until the dialect refuses the access token; then both do.
				deadline := time.Now().Add(10 * time.Second)
				for d.whoami(t, Send(t, nil, http.MethodGet, d.resourceURL(s.URL), nil,
					"Authorization", "Bearer "+tok.AccessToken)) != "" {
					if time.Now().After(deadline) {
						t.Fatal("the access token still works 10s after its 2s lifetime")
					}
					time.Sleep(100 * time.Millisecond)
				}
				if who := parityWhoami(t, s, tok.AccessToken); who != "" {
					t.Fatalf("the expired access token works for %q", who)
				}

				rec := &libRecorder{}
				hc := cfg.Client(rec.context(t.Context()), tok)
				r := Send(t, hc, http.MethodGet, d.resourceURL(s.URL), nil)
				if r.Status != http.StatusOK || d.whoami(t, r) != parityEmail {
					t.Fatalf("GET after refresh: %d %s", r.Status, r.Raw)
				}

				// One refresh with the old refresh token, then the GET with the new access token.
				log := rec.all()
				if len(log) != 2 || log[0].url != d.tokenURL(s.URL) || log[1].url != d.resourceURL(s.URL) {
					t.Fatalf("requests %+v, want a refresh then the GET", log)
				}
				if f := log[0].form; f.Get("grant_type") != "refresh_token" || f.Get("refresh_token") != tok.RefreshToken ||
					f.Get("client_id") != client.ID || f.Get("client_secret") != client.Secret {
					t.Fatalf("refresh request form %v", f)
				}
				refreshed := NewResp(log[0].status, nil, log[0].body)
				if refreshed.Status != http.StatusOK || refreshed.JSON["expires_in"] != float64(2) {
					t.Fatalf("refresh answered %d %s", refreshed.Status, refreshed.Raw)
				}
				access, refresh := refreshed.Str("access_token"), refreshed.Str("refresh_token")
				if access == tok.AccessToken || log[1].authorization != "Bearer "+access {
					t.Fatalf("the GET sent %q; the refresh gave %q, the old token was %q", log[1].authorization, access,
						tok.AccessToken)
				}
				if rotate == (refresh == tok.RefreshToken) {
					t.Fatalf("rotation %v: refresh token %q after %q", rotate, refresh, tok.RefreshToken)
				}
			})
		}
	}
}

func TestOAuth2LibClientCredentials(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	s.AddUser(t, parityOwner, parityOwnerPwd, "Olivia Owner")
	add := func(method string, owned bool) Client {
		args := []string{"--name", "cc " + method, "--redirect-uri", parityRedirect, "--auth-method", method,
			"--grant-type", "client_credentials"}
		if owned {
			args = append(args, "--owner", parityOwner)
		}
		return s.AddClient(t, args...)
	}
	post, basic, orphan := add("client_secret_post", true), add("client_secret_basic", true), add("client_secret_post", false)
	for _, d := range parityDialects {
		for _, tc := range []struct {
			name   string
			client Client
			style  oauth2.AuthStyle
			scopes []string
		}{
			{"client_secret_post", post, oauth2.AuthStyleInParams, nil},
			{"client_secret_basic", basic, oauth2.AuthStyleInHeader, []string{"openid"}},
			{"autodetect", post, oauth2.AuthStyleAutoDetect, nil},
		} {
			t.Run(d.name()+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				cc := &clientcredentials.Config{ClientID: tc.client.ID, ClientSecret: tc.client.Secret,
					TokenURL: d.tokenURL(s.URL), AuthStyle: tc.style, Scopes: tc.scopes}
				before := time.Now()
				tok, err := cc.Token(t.Context())
				after := time.Now()
				if err != nil {
					t.Fatalf("Token: %v", err)
				}
				wantScope := "all openid"
				if tc.scopes != nil {
					wantScope = strings.Join(tc.scopes, " ")
				}
				if tok.AccessToken == "" || tok.RefreshToken != "" || tok.Type() != "Bearer" || tok.Extra("scope") != wantScope {
					t.Fatalf("token %+v (scope %v)", tok, tok.Extra("scope"))
				}
				// clientcredentials leaves Token.ExpiresIn unset (v0.37.0); Expiry is what it
				// parses from expires_in.
				ttl := d.accessTTL()
				if tok.Extra("expires_in") != float64(ttl/time.Second) {
					t.Fatalf("expires_in %v, want %d", tok.Extra("expires_in"), int64(ttl/time.Second))
				}
				libExpiry(t, tok.Expiry, before, after, ttl)
				if who := libWhoami(t, s, cc.Client(t.Context())); who != parityOwner {
					t.Fatalf("bearer checks say %q, want the owner %q", who, parityOwner)
				}
			})
		}
		t.Run(d.name()+"/refused", func(t *testing.T) {
			t.Parallel()
			cc := &clientcredentials.Config{ClientID: orphan.ID, ClientSecret: orphan.Secret, TokenURL: d.tokenURL(s.URL),
				AuthStyle: oauth2.AuthStyleInParams}
			_, err := cc.Token(t.Context())
			libRetrieveError(t, err, "unauthorized_client", http.StatusBadRequest)
			cc = &clientcredentials.Config{ClientID: post.ID, ClientSecret: randomHex(20), TokenURL: d.tokenURL(s.URL),
				AuthStyle: oauth2.AuthStyleInParams}
			_, err = cc.Token(t.Context())
			libRetrieveError(t, err, "invalid_client", http.StatusUnauthorized)
		})
	}
}
