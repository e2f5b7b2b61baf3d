package tests

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"oauthd/core"
)

// TestRefreshReuseInterval: ten concurrent refreshes of one rotating refresh token (an app
// refreshing from several threads) all succeed with the same new pair and leave one live
// chain, with no new token in plain text in the database; a replay after the interval (here
// 3 s) is theft and revokes the grant. Rotation times are whole seconds, so a retry can look up
// to a second older than it is: the interval leaves the concurrent refreshes two seconds on a
// loaded machine.
func TestRefreshReuseInterval(t *testing.T) {
	t.Parallel()
	s := StartServer(t, Env("OAUTHD_OAUTH_REFRESH_REUSE_INTERVAL=3s"))
	f := resSetupFlow(t, s)
	_, refresh := f.Tokens(t, s.URL)
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh},
		"client_id": {f.Client.ID}, "client_secret": {f.Client.Secret}}
	const n = 10
	results := make([]*Resp, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := resPostForm(NoRedirect, s.URL+resFrappeToken, form)
			if err != nil {
				t.Errorf("refresh %d: %v", i, err)
				return
			}
			results[i] = r
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	access, next := results[0].Str("access_token"), results[0].Str("refresh_token")
	for i, r := range results {
		if r.Status != http.StatusOK || r.Str("access_token") != access || r.Str("refresh_token") != next {
			t.Fatalf("refresh %d: %s, want 200 with the same pair as the first", i, r)
		}
	}
	h := serverSQL(t, s)
	var live, plain int
	grant := "(SELECT grant_id FROM tokens WHERE id = ?)"
	if err := h.QueryRow("SELECT COUNT(*) FROM tokens WHERE kind = 'refresh' AND revoked_at = 0 AND grant_id = "+grant,
		core.Digest(refresh)).Scan(&live); err != nil || live != 1 {
		t.Fatalf("%d live refresh tokens in the grant (%v), want the one new one", live, err)
	}
	if err := h.QueryRow("SELECT COUNT(*) FROM tokens WHERE successor LIKE ? OR successor LIKE ?",
		"%"+access+"%", "%"+next+"%").Scan(&plain); err != nil || plain != 0 {
		t.Fatalf("%d rows hold a new token in plain text (%v)", plain, err)
	}
	acceptedBy(t, s, access)

	time.Sleep(4100 * time.Millisecond) // rotation times are whole seconds: 3 s interval, up to 4 s
	r, err := resPostForm(NoRedirect, s.URL+resFrappeToken, form)
	if err != nil || r.Status != http.StatusBadRequest || r.JSON["error"] != "invalid_grant" {
		t.Fatalf("replay after the interval: %v %v, want 400 invalid_grant", r, err)
	}
	if r, err := resGet(NoRedirect, s.URL+resFrappeLoggedUser, access); err != nil || r.Status != http.StatusUnauthorized {
		t.Fatalf("the new access token after the replay: %v %v, want 401 (grant revoked)", r, err)
	}
}
