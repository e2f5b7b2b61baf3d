package tests

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"oauthd/core"
)

// TestResilienceTwoInstancesShareOneDatabase runs two oauthd processes on one MariaDB database,
// as behind a load balancer: tokens and revocations are visible to both at once, and a code
// or a rotating refresh token raced across both is redeemed exactly once.
func TestResilienceTwoInstancesShareOneDatabase(t *testing.T) {
	db, _ := resMySQLDatabase(t)
	a := StartServerOn(t, db, frappeCompatAuth...)
	b := StartServerOn(t, db, frappeCompatAuth...)
	f := resSetupFlow(t, a)

	// A token issued by the first instance is accepted by the second.
	access, _ := f.Tokens(t, a.URL)
	for _, s := range []*Server{a, b} {
		r, err := resGet(NoRedirect, s.URL+resFrappeLoggedUser, access)
		if err != nil || r.Status != http.StatusOK || r.JSON["message"] != f.Email {
			t.Fatalf("get_logged_user on %s: %v %v, want 200 {\"message\": %q}", s.URL, r, err, f.Email)
		}
	}

	// Revoked on the second: refused there at once, and by the first (which cached the token)
	// within one poll of the revocation feed.
	r, err := resPostForm(NoRedirect, b.URL+resFrappeRevoke, url.Values{"token": {access}})
	if err != nil || r.Status != http.StatusOK {
		t.Fatalf("revoke_token on the second instance: %v %v", r, err)
	}
	if r, err := resGet(NoRedirect, b.URL+resFrappeLoggedUser, access); err != nil || r.Status != http.StatusUnauthorized {
		t.Fatalf("revoked token on the revoking instance: %v %v, want 401 at once", r, err)
	}
	if d := refusedWithin(t, a, access, 1500*time.Millisecond); d < 0 {
		t.Fatal("the first instance still accepts the revoked token after 1.5 s")
	}

	// One code, exchanged by 16 goroutines at once, half on each instance.
	code := f.Code(t, b.URL)
	resRaceOnce(t, "exchanges of one code", a, b, 1, func(base string) (*Resp, error) {
		return f.Exchange(base, code)
	})
	if used, a, r := resGrantTokens(t, db.SQL, code); !used || a != 1 || r != 1 {
		t.Errorf("after the code race: code used=%v, %d access and %d refresh token rows for its grant; "+
			"want used, 1 and 1", used, a, r)
	}

	// One rotating refresh token, refreshed by 16 goroutines at once on both instances: within
	// oauth.refresh_reuse_interval every one gets the same new pair, and the grant lives on.
	_, refresh := f.Tokens(t, a.URL)
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh},
		"client_id": {f.Client.ID}, "client_secret": {f.Client.Secret}}
	resRaceOnce(t, "refreshes of one token", a, b, 16, func(base string) (*Resp, error) {
		return resPostForm(NoRedirect, base+resFrappeToken, form)
	})
	var accessRows, refreshRows int
	err = db.SQL.QueryRow(`SELECT COALESCE(SUM(CASE WHEN kind = 'access' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'refresh' THEN 1 ELSE 0 END), 0)
		FROM tokens WHERE grant_id = (SELECT grant_id FROM tokens WHERE id = ?)`, core.Digest(refresh)).
		Scan(&accessRows, &refreshRows)
	if err != nil || accessRows != 2 || refreshRows != 2 {
		t.Errorf("after the refresh race: %d access, %d refresh rows in the grant (%v); want 2 and 2 "+
			"(the first pair and one rotation)", accessRows, refreshRows, err)
	}

	// Both instances still serve: a fresh flow across them works.
	access2, _ := f.Tokens(t, b.URL)
	if r, err := resGet(NoRedirect, a.URL+resFrappeLoggedUser, access2); err != nil || r.Status != http.StatusOK {
		t.Fatalf("fresh token on the first instance: %v %v", r, err)
	}
	for _, s := range []*Server{a, b} {
		resAlive(t, s)
	}
}

// resRaceOnce sends 16 requests at once, half to each instance: exactly wins must answer 200,
// all with the same access token, every other one 400 invalid_grant.
func resRaceOnce(t *testing.T, what string, a, b *Server, wins int, send func(base string) (*Resp, error)) {
	t.Helper()
	const n = 16
	results := make([]*Resp, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		base := a.URL
		if i%2 == 1 {
			base = b.URL
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = send(base)
		}()
	}
	close(start)
	wg.Wait()
	won, tokens := 0, map[any]bool{}
	for i := range n {
		switch {
		case errs[i] != nil:
			t.Errorf("%s, call %d: %v", what, i, errs[i])
		case results[i].Status == http.StatusOK:
			won++
			tokens[results[i].JSON["access_token"]] = true
			if results[i].JSON["access_token"] == nil {
				t.Errorf("%s, call %d: 200 without an access token: %s", what, i, results[i])
			}
		case results[i].Status == http.StatusBadRequest && results[i].JSON["error"] == "invalid_grant":
		default:
			t.Errorf("%s, call %d: %s, want 200 once and 400 invalid_grant otherwise", what, i, results[i])
		}
	}
	if won != wins || len(tokens) > 1 {
		t.Errorf("%d of %d concurrent %s succeeded with %d different tokens, want %d with one", won, n, what, len(tokens), wins)
	}
}
