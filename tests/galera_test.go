package tests

import (
	"database/sql"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"oauthd/core"
)

// TestGalera runs one oauthd instance on each node of a three-node Galera cluster (multi-primary:
// every node takes writes). A code raced through all three is redeemed once; a rotating refresh
// raced the same way rotates once and, within the reuse interval, every caller gets that one
// pair and the grant lives; certification conflicts (error 1213 at COMMIT) are retried or
// answered, never with a 500; and with one node killed mid-load the other two keep serving
// and nothing is half-written.
func TestGalera(t *testing.T) {
	if !useSQLite() {
		t.Skip("brings its own cluster whatever the backend: it runs once, in the SQLite pass")
	}
	nodes := startGalera(t)
	if _, err := nodes[0].SQL.Exec("CREATE DATABASE oauthd_galera"); err != nil {
		t.Fatal(err)
	}
	h, err := sql.Open("mysql", nodes[0].dsn("oauthd_galera"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var servers []*Server
	for _, n := range nodes { // one at a time: the first migrates, the others find the schema
		servers = append(servers, StartServerOn(t, &Database{Driver: "mysql", DSN: n.dsn("oauthd_galera"), SQL: h}))
	}
	f := resSetupFlow(t, servers[0])

	// Codes, each raced by 15 exchanges at once, 5 through each node. A transaction that Galera
	// aborted and whose error the prepared-statement protocol lost redeemed about one code in 90
	// twice (store/mysql.go): enough rounds that a regression shows in one run.
	for round := range galeraRounds() {
		code := f.Code(t, servers[round%len(servers)].URL)
		results := galeraRace(servers, func(base string) (*Resp, error) { return f.Exchange(base, code) })
		wins, tokens := galeraTally(t, "exchanges of one code", results)
		if wins != 1 || tokens != 1 {
			t.Errorf("code race %d: %d successes with %d token sets, want exactly one", round, wins, tokens)
		}
		if used, a, r := resGrantTokens(t, h, code); !used || a != 1 || r != 1 {
			t.Errorf("after code race %d: used=%v, %d access and %d refresh rows; want used, 1 and 1", round, used, a, r)
		}
	}

	// One rotating refresh token, 15 refreshes at once through the three nodes.
	_, refresh := f.Tokens(t, servers[1].URL)
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh},
		"client_id": {f.Client.ID}, "client_secret": {f.Client.Secret}}
	results := galeraRace(servers, func(base string) (*Resp, error) {
		return resPostForm(NoRedirect, base+resFrappeToken, form)
	})
	wins, tokens := galeraTally(t, "refreshes of one token", results)
	if wins == 0 || tokens != 1 {
		t.Errorf("refresh race: %d successes with %d different pairs, want one pair", wins, tokens)
	}
	var live, refreshRows int
	err = h.QueryRow(`SELECT COALESCE(SUM(CASE WHEN revoked_at = 0 AND kind = 'refresh' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'refresh' THEN 1 ELSE 0 END), 0)
		FROM tokens WHERE grant_id = (SELECT grant_id FROM tokens WHERE id = ?)`, core.Digest(refresh)).Scan(&live, &refreshRows)
	if err != nil || live != 1 || refreshRows != 2 {
		t.Errorf("after the refresh race: %d live refresh tokens, %d refresh rows (%v); want the one new "+
			"refresh token live (grant not revoked) and 2 refresh rows", live, refreshRows, err)
	}

	galeraKillMidLoad(t, f, nodes[2], servers)
	resAssertTokenPairs(t, h)
}

// galeraRace sends 15 requests at once, round-robin over the servers.
func galeraRace(servers []*Server, send func(base string) (*Resp, error)) []*Resp {
	const n = 15
	out := make([]*Resp, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := send(servers[i%len(servers)].URL)
			if err != nil {
				r = &Resp{Status: -1, Raw: []byte(err.Error())}
			}
			out[i] = r
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// galeraTally counts successes and distinct access tokens; every other answer must be a 400
// invalid_grant or a 503 (conflict retries exhausted), never a 500.
func galeraTally(t *testing.T, what string, results []*Resp) (wins, tokens int) {
	t.Helper()
	seen := map[string]bool{}
	unavailable := 0
	for i, r := range results {
		switch {
		case r.Status == http.StatusOK:
			wins++
			seen[r.Str("access_token")] = true
		case r.Status == http.StatusBadRequest && r.JSON["error"] == "invalid_grant":
		case r.Status == http.StatusServiceUnavailable:
			unavailable++
		default:
			t.Errorf("%s, call %d: %s, want 200, 400 invalid_grant or 503", what, i, r)
		}
	}
	t.Logf("%s: %d succeeded, %d answered 503", what, wins, unavailable)
	return wins, len(seen)
}

// galeraKillMidLoad exchanges codes through every instance while one node is killed: the
// instances on the other two nodes keep answering 200 once the cluster has evicted it.
func galeraKillMidLoad(t *testing.T, f *resFlow, victim *galeraNode, servers []*Server) {
	t.Helper()
	codes := make(chan string, 60)
	for range cap(codes) {
		codes <- f.Code(t, servers[0].URL)
	}
	close(codes)
	var okAfter, failedAfter atomic.Int32
	var killed atomic.Bool
	var wg sync.WaitGroup
	for _, s := range servers[:2] { // the survivors' instances
		wg.Add(1)
		go func() {
			defer wg.Done()
			for code := range codes {
				r, err := f.Exchange(s.URL, code)
				if err == nil && r.Status == http.StatusInternalServerError {
					t.Errorf("exchange during the node kill: 500 %s", r.Raw)
				}
				if killed.Load() {
					if err == nil && r.Status == http.StatusOK {
						okAfter.Add(1)
					} else {
						failedAfter.Add(1)
					}
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	victim.kill()
	killed.Store(true)
	wg.Wait()
	t.Logf("after the kill: %d exchanges answered 200, %d did not", okAfter.Load(), failedAfter.Load())
	if okAfter.Load() == 0 {
		t.Error("no exchange succeeded on the surviving nodes after one node was killed")
	}
	// Steady state: both survivors serve a whole flow.
	for _, s := range servers[:2] {
		if access, _ := f.Tokens(t, s.URL); access == "" {
			t.Errorf("no token from %s after the kill", s.URL)
		}
	}
}

// galeraRounds is how many codes the test races: OAUTHD_GALERA_ROUNDS, or 100 (about 20 s).
func galeraRounds() int {
	if n, err := strconv.Atoi(os.Getenv("OAUTHD_GALERA_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 100
}
