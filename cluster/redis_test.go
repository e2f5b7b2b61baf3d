package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"oauthd/core"
)

// openTest connects to the Redis on 127.0.0.1:6379 under a prefix of this test's own, and
// deletes its keys afterwards. It skips without Redis unless OAUTHD_REQUIRE_REDIS=1.
func openTest(t *testing.T) *Redis {
	t.Helper()
	url := os.Getenv("OAUTHD_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	b := make([]byte, 6)
	rand.Read(b)
	r, err := Open(t.Context(), url, "oauthd-test-"+hex.EncodeToString(b)+":")
	if err != nil {
		if os.Getenv("OAUTHD_REQUIRE_REDIS") == "1" {
			t.Fatalf("OAUTHD_REQUIRE_REDIS=1 but Redis is unreachable: %v", err)
		}
		t.Skipf("Redis unreachable: %v", err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := r.client.Keys(ctx, r.prefix+"*").Result()
		if len(keys) > 0 {
			r.client.Del(ctx, keys...)
		}
		r.Close()
	})
	return r
}

func TestCounters(t *testing.T) {
	c := openTest(t).Counters()
	ctx := t.Context()
	for want := int64(1); want <= 3; want++ {
		if n, err := c.Incr(ctx, "login:addr:1.2.3.4", 300*time.Millisecond); err != nil || n != want {
			t.Fatalf("Incr = %d, %v; want %d", n, err, want)
		}
	}
	if n, err := c.Count(ctx, "login:addr:1.2.3.4"); err != nil || n != 3 {
		t.Fatalf("Count = %d, %v; want 3", n, err)
	}
	if n, err := c.Count(ctx, "login:addr:absent"); err != nil || n != 0 {
		t.Fatalf("Count of an absent key = %d, %v; want 0", n, err)
	}
	// The expiry runs from the first increment: later ones do not extend it.
	time.Sleep(400 * time.Millisecond)
	if n, err := c.Count(ctx, "login:addr:1.2.3.4"); err != nil || n != 0 {
		t.Fatalf("Count after the TTL = %d, %v; want 0", n, err)
	}
	c.Incr(ctx, "login:fail:a@x", time.Minute)
	if err := c.Reset(ctx, "login:fail:a@x"); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Count(ctx, "login:fail:a@x"); n != 0 {
		t.Fatalf("Count after Reset = %d, want 0", n)
	}
}

// Counters are shared: two connections (two instances) count the same attempts.
func TestCountersAreShared(t *testing.T) {
	a := openTest(t)
	b := &Redis{client: a.client, prefix: a.prefix}
	a.Counters().Incr(t.Context(), "k", time.Minute)
	if n, err := b.Counters().Incr(t.Context(), "k", time.Minute); err != nil || n != 2 {
		t.Fatalf("second instance's Incr = %d, %v; want 2", n, err)
	}
}

func TestRevocationsReachSubscribers(t *testing.T) {
	r := openTest(t)
	got := make(chan core.Revocation, 1)
	if err := r.Subscribe(t.Context(), func(rev core.Revocation) { got <- rev }); err != nil {
		t.Fatal(err)
	}
	want := core.Revocation{TokenID: "t", GrantID: "g", UserID: 7, ClientID: "c"}
	if err := r.Publish(t.Context(), want); err != nil {
		t.Fatal(err)
	}
	select {
	case rev := <-got:
		if rev != want {
			t.Fatalf("received %+v, want %+v", rev, want)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no revocation received")
	}
}
