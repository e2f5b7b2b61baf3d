package tests

// Finding 4 of the third review, and the registration leftovers: one caller could spend the
// whole registration budget, and registration metadata could dress a client up as another.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// registerFrom registers a public loopback client as a request a trusted proxy forwarded for
// addr.
func registerFrom(t *testing.T, s *Server, addr string) *Resp {
	t.Helper()
	return register(t, s, "/oauth2/register", map[string]any{"redirect_uris": []string{regRedirect},
		"token_endpoint_auth_method": "none"}, "X-Forwarded-For", "203.0.113.50, "+addr)
}

// Behind server.trusted_proxies the registration limiter counted the proxy's address, so the
// first caller's registrations used up everyone's; and each IPv6 address had a budget of its
// own, 2^64 per subscriber. Now registrations count per client address as logins do (the
// address the trusted proxy appended), IPv6 by its /64.
func TestSecurityRegistrationCountsTheClientAddress(t *testing.T) {
	t.Parallel()
	s := StartServer(t, regEnabled("OAUTHD_REGISTRATION_RATE_LIMIT=2"), Env("OAUTHD_SERVER_TRUSTED_PROXIES=127.0.0.1"))
	steps := []struct {
		addr   string
		status int
	}{
		{"198.51.100.7", http.StatusCreated},
		{"198.51.100.7", http.StatusCreated},
		{"198.51.100.7", http.StatusTooManyRequests},
		{"198.51.100.8", http.StatusCreated}, // another caller behind the same proxy
		{"2001:db8:7::1", http.StatusCreated},
		{"2001:db8:7::2", http.StatusCreated},
		{"2001:db8:7::ffff:3", http.StatusTooManyRequests}, // the same /64
		{"2001:db8:7:1::1", http.StatusCreated},            // the next /64
	}
	for i, st := range steps {
		r := registerFrom(t, s, st.addr)
		if r.Status != st.status {
			t.Fatalf("registration %d from %s: %s, want %d", i+1, st.addr, r, st.status)
		}
		if st.status == http.StatusTooManyRequests && (r.Str("error") != "too_many_requests" ||
			r.Header.Get("Retry-After") != "3600") {
			t.Fatalf("registration %d refused as %s, Retry-After %q", i+1, r, r.Header.Get("Retry-After"))
		}
	}
}

// The limiter was Fiber's in-process one, so each instance added a budget of its own. With
// redis.url set registrations now count in Redis, as logins do: two instances share one budget.
func TestSecurityRegistrationBudgetSharedThroughRedis(t *testing.T) {
	t.Parallel()
	opts := []Option{regEnabled("OAUTHD_REGISTRATION_RATE_LIMIT=2"),
		Env("OAUTHD_REDIS_URL="+redisURL(t), "OAUTHD_REDIS_PREFIX=oauthd-test-"+randomHex(6)+":")}
	a, b := StartServer(t, opts...), StartServer(t, opts...)
	md := map[string]any{"redirect_uris": []string{regRedirect}, "token_endpoint_auth_method": "none"}
	for i, s := range []*Server{a, b, a, b} {
		want := http.StatusCreated
		if i >= 2 {
			want = http.StatusTooManyRequests
		}
		if r := register(t, s, "/oauth2/register", md); r.Status != want {
			t.Fatalf("registration %d (instance %c): %s, want %d", i+1, "abab"[i], r, want)
		}
	}
}

// The cap on self-registered clients filled and never drained. Now a client no user authorized
// within registration.unused_client_ttl (24h) is reclaimed at the next registration, and the
// cap counts the others: one a user authorized stays however old.
func TestSecurityRegistrationReclaimsUnusedClients(t *testing.T) {
	t.Parallel()
	s := StartServer(t, regEnabled("OAUTHD_REGISTRATION_MAX_CLIENTS=2", "OAUTHD_REGISTRATION_RATE_LIMIT=100"))
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	md := map[string]any{"redirect_uris": []string{regRedirect}, "token_endpoint_auth_method": "none"}
	used, unused := register(t, s, "/oauth2/register", md), register(t, s, "/oauth2/register", md)
	if used.Status != http.StatusCreated || unused.Status != http.StatusCreated {
		t.Fatalf("registrations: %s, %s", used, unused)
	}
	if r := register(t, s, "/oauth2/register", md); r.Status != http.StatusForbidden {
		t.Fatalf("past the cap: %s, want 403", r)
	}
	b := frappeLoginAs(t, s, frappeEmail, frappePassword)
	verifier := "v-" + randomHex(24)
	q := url.Values{"client_id": {used.Str("client_id")}, "response_type": {"code"}, "redirect_uri": {regRedirect},
		"scope": {"openid"}, "state": {"st"}, "code_challenge": {frappeS256(verifier)}, "code_challenge_method": {"S256"}}
	form := hiddenFields(Send(t, b, http.MethodGet, s.URL+frappeOAuth+"authorize?"+q.Encode(), nil).Raw)
	form.Set("decision", "allow")
	if code := SendForm(t, b, http.MethodPost, s.URL+frappeOAuth+"approve", form).Location(t).Query().Get("code"); code == "" {
		t.Fatal("no code for the registered client")
	}

	protectExec(t, s, "UPDATE clients SET created_at = created_at - 86401")
	if r := register(t, s, "/oauth2/register", md); r.Status != http.StatusCreated {
		t.Fatalf("a registration once the unused client is a day old: %s, want 201", r)
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM clients WHERE id = ?", unused.Str("client_id")); n != 0 {
		t.Fatal("the client nobody authorized was not reclaimed")
	}
	if n := frappeCount(t, s, "SELECT COUNT(*) FROM clients WHERE id = ? AND used_at > 0", used.Str("client_id")); n != 1 {
		t.Fatal("the client a user authorized was reclaimed or not marked used")
	}
	if r := register(t, s, "/oauth2/register", md); r.Status != http.StatusForbidden {
		t.Fatalf("past the cap of live clients: %s, want 403", r)
	}
}

// client_uri and the other page URIs may use http on a loopback host; the check was a "127."
// prefix, so http://127.evil.example passed as loopback. client_name kept bidi controls, which
// the consent page then showed: U+202E makes "Gallery\u202Egnp.exe" read "Galleryexe.png".
// Now the host is parsed, such names are refused at registration, and the consent page strips
// them from names stored before (or imported, or set by an admin).
func TestSecurityRegistrationMetadataShowsWhatItIs(t *testing.T) {
	t.Parallel()
	s := StartServer(t, regEnabled("OAUTHD_REGISTRATION_RATE_LIMIT=100"))
	for name, md := range map[string]map[string]any{
		"a page on 127.evil.example": {"client_uri": "http://127.evil.example/"},
		"a logo on 127.0.0.1.nip.io": {"logo_uri": "http://127.0.0.1.nip.io/logo.png"},
		"client_name with U+202E":    {"client_name": "Gallery\u202egnp.exe"},
		"client_name with U+2066":    {"client_name": "Bank\u2066 of Trust"},
		"client_name with a newline": {"client_name": "App\nApproved by admin"},
	} {
		md["redirect_uris"] = []string{regRedirect}
		if r := register(t, s, "/oauth2/register", md); r.Status != http.StatusBadRequest || r.Str("error") != "invalid_client_metadata" {
			t.Errorf("%s: %s, want 400 invalid_client_metadata", name, r)
		}
	}
	if r := register(t, s, "/oauth2/register", map[string]any{"redirect_uris": []string{regRedirect},
		"client_uri": "http://127.0.0.1:8080/", "client_name": "Ünïcode Ok 🎉"}); r.Status != http.StatusCreated {
		t.Errorf("a loopback page and a plain Unicode name: %s, want 201", r)
	}

	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	c := s.AddClient(t, "--name", "Gallery\u202egnp.exe", "--redirect-uri", regRedirect)
	b := frappeLoginAs(t, s, frappeEmail, frappePassword)
	q := url.Values{"client_id": {c.ID}, "response_type": {"code"}, "redirect_uri": {regRedirect}, "scope": {"all"}}
	page := Send(t, b, http.MethodGet, s.URL+frappeOAuth+"authorize?"+q.Encode(), nil)
	if page.Status != http.StatusOK || strings.ContainsRune(string(page.Raw), '\u202e') ||
		!strings.Contains(string(page.Raw), "Gallerygnp.exe") {
		t.Fatalf("consent page of a client named with U+202E: %s", page)
	}
}
