package tests

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"
)

// refusedWithin polls s with a bearer token until it answers 401, and returns how long that
// took, or -1 when it still accepts the token after limit.
func refusedWithin(t *testing.T, s *Server, token string, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < limit {
		r, err := resGet(NoRedirect, s.URL+resFrappeLoggedUser, token)
		if err != nil {
			t.Fatalf("get_logged_user on %s: %v", s.URL, err)
		}
		if r.Status == http.StatusUnauthorized {
			return time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return -1
}

// acceptedBy checks that s accepts token (and so, with the cache on, has it cached).
func acceptedBy(t *testing.T, s *Server, token string) {
	t.Helper()
	if r, err := resGet(NoRedirect, s.URL+resFrappeLoggedUser, token); err != nil || r.Status != http.StatusOK {
		t.Fatalf("live token on %s: %v %v, want 200", s.URL, r, err)
	}
}

// TestRevocationFeedAcrossInstances runs two oauthd processes on one MariaDB database with the
// bearer cache on (the default, 30 s TTL): a token revoked through A, a user disabled or a client
// removed by the CLI (a third process), is refused by B within 1.5 s although B has the token
// cached.
func TestRevocationFeedAcrossInstances(t *testing.T) {
	db, _ := resMySQLDatabase(t)
	a := StartServerOn(t, db)
	b := StartServerOn(t, db)
	f := resSetupFlow(t, a)

	access, _ := f.Tokens(t, a.URL)
	acceptedBy(t, b, access)
	acceptedBy(t, b, access) // a cache hit
	r, err := resPostForm(NoRedirect, a.URL+resFrappeRevoke, url.Values{"token": {access},
		"client_id": {f.Client.ID}, "client_secret": {f.Client.Secret}})
	if err != nil || r.Status != http.StatusOK {
		t.Fatalf("revoke_token on A: %v %v", r, err)
	}
	if r, err := resGet(NoRedirect, a.URL+resFrappeLoggedUser, access); err != nil || r.Status != http.StatusUnauthorized {
		t.Fatalf("A on the token it revoked: %v %v, want 401 at once", r, err)
	}
	d := refusedWithin(t, b, access, 1500*time.Millisecond)
	if d < 0 {
		t.Fatal("B still accepts a token revoked through A after 1.5 s")
	}
	t.Logf("B refused the revoked token after %v", d)

	access, _ = f.Tokens(t, a.URL)
	acceptedBy(t, b, access)
	a.CLI(t, "user", "disable", f.Email)
	if d := refusedWithin(t, b, access, 1500*time.Millisecond); d < 0 {
		t.Fatal("B still accepts a disabled user's token after 1.5 s")
	}
	a.CLI(t, "user", "enable", f.Email)
	f.Login(t, a.URL) // disabling ended the user's sessions

	access2, _ := f.Tokens(t, a.URL)
	acceptedBy(t, a, access2)
	acceptedBy(t, b, access2)
	a.CLI(t, "client", "remove", f.Client.ID)
	for _, s := range []*Server{a, b} {
		if d := refusedWithin(t, s, access2, 1500*time.Millisecond); d < 0 {
			t.Fatalf("%s still accepts a removed client's token after 1.5 s", s.URL)
		}
	}
}

// redisURL returns the Redis the tests may use; it skips without one unless
// OAUTHD_REQUIRE_REDIS=1.
func redisURL(t *testing.T) string {
	t.Helper()
	addr := "127.0.0.1:6379"
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		if os.Getenv("OAUTHD_REQUIRE_REDIS") == "1" {
			t.Fatalf("OAUTHD_REQUIRE_REDIS=1 but Redis on %s is unreachable: %v", addr, err)
		}
		t.Skipf("Redis on %s is unreachable: %v", addr, err)
	}
	c.Close()
	return "redis://" + addr + "/0"
}

// TestRevocationsThroughRedis: with redis.url set, a revocation through A, or a user disabled
// through the CLI, reaches B's cache at once (the feed poll is set to an hour, so only Redis can
// explain it).
func TestRevocationsThroughRedis(t *testing.T) {
	db, _ := resMySQLDatabase(t)
	opts := []Option{Env("OAUTHD_REDIS_URL="+redisURL(t), "OAUTHD_REDIS_PREFIX=oauthd-test-"+randomHex(6)+":",
		"OAUTHD_OAUTH_REVOCATION_POLL=1h")}
	a := StartServerOn(t, db, opts...)
	b := StartServerOn(t, db, opts...)
	f := resSetupFlow(t, a)
	access, _ := f.Tokens(t, a.URL)
	acceptedBy(t, b, access)
	r, err := resPostForm(NoRedirect, a.URL+resFrappeRevoke, url.Values{"token": {access},
		"client_id": {f.Client.ID}, "client_secret": {f.Client.Secret}})
	if err != nil || r.Status != http.StatusOK {
		t.Fatalf("revoke_token on A: %v %v", r, err)
	}
	d := refusedWithin(t, b, access, 100*time.Millisecond)
	if d < 0 {
		t.Fatal("B still accepts a token revoked through A after 100 ms")
	}
	t.Logf("B refused the revoked token after %v", d)

	access, _ = f.Tokens(t, a.URL)
	acceptedBy(t, b, access)
	a.CLI(t, "user", "disable", f.Email)
	if d := refusedWithin(t, b, access, 100*time.Millisecond); d < 0 {
		t.Fatal("B still accepts a disabled user's token after 100 ms")
	}
}
