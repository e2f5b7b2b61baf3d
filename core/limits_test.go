package core

import (
	"context"
	"fmt"
	"testing"
	"time"

	"oauthd/store"
)

func TestMemoryCounters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := &testClock{now: time.Unix(1000, 0)}
	c := newMemoryCounters(2, clk.Now)
	for want := int64(1); want <= 3; want++ {
		if n, _ := c.Incr(ctx, "a", time.Minute); n != want {
			t.Fatalf("Incr #%d = %d", want, n)
		}
	}
	clk.Advance(30 * time.Second)
	if n, _ := c.Incr(ctx, "a", time.Minute); n != 4 {
		t.Errorf("Incr within the window = %d, want 4: the expiry runs from the first increment", n)
	}
	clk.Advance(30 * time.Second)
	if n, _ := c.Count(ctx, "a"); n != 0 {
		t.Errorf("Count after expiry = %d, want 0", n)
	}
	c.Incr(ctx, "b", time.Hour)
	c.Incr(ctx, "c", 2*time.Hour)
	c.Incr(ctx, "d", 3*time.Hour) // full: "a" has expired, so it goes; then "b", the soonest to expire
	for key, want := range map[string]int64{"b": 0, "c": 1, "d": 1} {
		if n, _ := c.Count(ctx, key); n != want {
			t.Errorf("Count(%s) = %d, want %d", key, n, want)
		}
	}
	c.Reset(ctx, "c")
	if n, _ := c.Count(ctx, "c"); n != 0 {
		t.Errorf("Count after Reset = %d", n)
	}
}

// loginCode is what a login attempt came to: "ok", or the error's reason.
func loginCode(f *fixture, email, pw, addr string) string {
	_, _, err := f.eng.Login(context.Background(), LoginAttempt{Email: email, Password: pw, Address: addr})
	switch e := AsError(err); {
	case err == nil:
		return "ok"
	case e.Reason == ReasonRateLimited:
		return fmt.Sprintf("limited %s", e.RetryAfter)
	default:
		return "denied"
	}
}

func TestLoginBackoff(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{LoginLimits: LoginLimits{MaxFailures: 2, MaxBackoff: 4 * time.Second}}, func(t *testing.T, f *fixture) {
		f.user(t, "ada@example.com")
		steps := []struct {
			email, pw string
			advance   time.Duration
			want      string
		}{
			{"ada@example.com", "x", 0, "denied"},
			{" ADA@example.com", "x", 0, "denied"}, // the same account: counted by the resolved user
			{"ada@example.com", password, 0, "limited 1s"},
			{"ada@example.com", password, 999 * time.Millisecond, "limited 1s"},
			{"ada@example.com", "x", time.Millisecond, "denied"}, // the slot opened: one guess
			{"ada@example.com", password, time.Second, "limited 2s"},
			{"ada@example.com", "x", time.Second, "denied"},
			{"ada@example.com", "x", 4 * time.Second, "denied"},
			{"ada@example.com", "x", 4 * time.Second, "denied"}, // capped at MaxBackoff
			{"ada@example.com", password, 3 * time.Second, "limited 4s"},
			{"ada@example.com", password, time.Second, "ok"}, // the owner gets in
			{"ada@example.com", "x", 0, "denied"},            // and the success cleared the failures
			{"ada@example.com", password, 0, "ok"},
		}
		for i, s := range steps {
			f.clock.Advance(s.advance)
			if got := loginCode(f, s.email, s.pw, ""); got != s.want {
				t.Fatalf("step %d (%s %q): %s, want %s", i, s.email, s.pw, got, s.want)
			}
		}
	})
}

func TestLoginAddressLimit(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{LoginLimits: LoginLimits{MaxAttempts: 3, AttemptWindow: time.Minute}}, func(t *testing.T, f *fixture) {
		f.user(t, "ada@example.com")
		for i, want := range []string{"ok", "ok", "denied", "limited 1m0s"} {
			pw := password
			if want == "denied" {
				pw = "x"
			}
			if got := loginCode(f, "ada@example.com", pw, "192.0.2.1"); got != want {
				t.Fatalf("attempt %d: %s, want %s", i+1, got, want)
			}
		}
		if got := loginCode(f, "ada@example.com", password, "192.0.2.2"); got != "ok" {
			t.Errorf("another address: %s", got)
		}
		f.clock.Advance(time.Minute)
		if got := loginCode(f, "ada@example.com", password, "192.0.2.1"); got != "ok" {
			t.Errorf("after the window: %s", got)
		}
	})
}

func TestLoginHashingBusy(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{LoginLimits: LoginLimits{HashSlots: 1, HashWait: 10 * time.Millisecond}}, func(t *testing.T, f *fixture) {
		f.user(t, "ada@example.com")
		f.eng.limits.hashing <- struct{}{} // another login is hashing
		_, _, err := f.eng.Login(t.Context(), LoginAttempt{Email: "ada@example.com", Password: password})
		if e := AsError(err); e.Reason != ReasonBusy || e.Status() != 503 || e.RetryAfter <= 0 {
			t.Fatalf("Login with every slot taken = %v, want busy (503, Retry-After)", err)
		}
		<-f.eng.limits.hashing
		if got := loginCode(f, "ada@example.com", password, ""); got != "ok" {
			t.Errorf("busy refusal counted as a failure? then %s", got)
		}
	})
}

func TestLoginSessionCap(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{MaxSessions: 2}, func(t *testing.T, f *fixture) {
		ada := f.user(t, "ada@example.com")
		var sids []string
		for range 3 {
			_, sid, err := f.eng.Login(t.Context(), LoginAttempt{Email: ada.Email, Password: password})
			if err != nil {
				t.Fatal(err)
			}
			sids = append(sids, sid)
			f.clock.Advance(time.Second)
		}
		var n int64
		f.store.DB().Model(&store.Session{}).Where("user_id = ?", ada.ID).Count(&n)
		if n != 2 {
			t.Errorf("%d sessions, want 2", n)
		}
		if _, err := f.eng.SessionUser(t.Context(), sids[0]); err == nil {
			t.Error("the oldest session survived the cap")
		}
		for _, sid := range sids[1:] {
			if _, err := f.eng.SessionUser(t.Context(), sid); err != nil {
				t.Errorf("a newer session was dropped: %v", err)
			}
		}
	})
}

func TestAddressBucket(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"192.0.2.7":            "192.0.2.7",
		"::ffff:192.0.2.7":     "192.0.2.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":      "2001:db8:1:3::/64",
		"fe80::1%eth0":         "fe80::/64",
		"not an address":       "not an address",
		"":                     "",
	} {
		if got := addressBucket(addr); got != want {
			t.Errorf("addressBucket(%q) = %q, want %q", addr, got, want)
		}
	}
}

// Registrations count per address, IPv6 by its /64, in the engine's Counters: a caller does not
// get a budget per address of its /64.
func TestAdmitRegistration(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		policy := RegistrationPolicy{RateLimit: 2, RateWindow: time.Hour}
		admit := func(addr string) error { return f.eng.AdmitRegistration(t.Context(), addr, policy) }
		for i, addr := range []string{"2001:db8::1", "2001:db8::2"} {
			if err := admit(addr); err != nil {
				t.Fatalf("registration %d: %v", i+1, err)
			}
		}
		err := admit("2001:db8::ffff:3")
		if e := AsError(err); err == nil || e.Reason != ReasonRateLimited || e.RetryAfter != time.Hour {
			t.Fatalf("a third address of the same /64: %v", err)
		}
		if err := admit("2001:db8:0:1::1"); err != nil {
			t.Fatalf("another /64: %v", err)
		}
		f.clock.Advance(time.Hour)
		if err := admit("2001:db8::1"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}
