package tests

// Findings 2, 3 and 7 of the security review: login timing, the login limits and their
// bypasses, password-hashing exhaustion and lock-out.

import (
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// frappeLoginStatus posts a login form to Frappe's login API and returns the answer.
func frappeLoginResp(t *testing.T, hc *http.Client, s *Server, usr, pwd string) *Resp {
	t.Helper()
	return SendForm(t, hc, "POST", s.URL+"/api/method/login", url.Values{"usr": {usr}, "pwd": {pwd}})
}

// loginCost is what one failed login cost: the time the client waited and the server's CPU.
type loginCost struct{ wall, cpu time.Duration }

// failedLogin times a failed login for usr.
func failedLogin(t *testing.T, s *Server, usr string) loginCost {
	t.Helper()
	cpu, start := processCPU(t, s.cmd.Process.Pid), time.Now()
	if r := frappeLoginResp(t, nil, s, usr, "not-the-password"); r.Status != http.StatusUnauthorized {
		t.Fatalf("login %s: %s", usr, r)
	}
	return loginCost{wall: time.Since(start), cpu: processCPU(t, s.cmd.Process.Pid) - cpu}
}

// processCPU is a process's user and system CPU time so far, from /proc (clock ticks of 10 ms).
func processCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, _ := strconv.Atoi(fields[11])
	stime, _ := strconv.Atoi(fields[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// Finding 2: a wrong password for a real account and any password for an unknown one cost the
// same, because the unknown one is checked against a hash of the configured cost. The test
// measures the server's work per login, which is what a timing attacker reads, in two ways
// that hold on a loaded machine: the server's CPU time over many logins of each kind, which
// load from elsewhere does not change as it changes wall time, and the median ratio of the wall
// times of neighbouring logins of the two kinds. The kinds alternate (ABBA), so both meet the
// same load; absolute times move severalfold under load, these ratios stay near 1. Without the
// dummy hash an unknown account costs about a fiftieth of a wrong password, and with a dummy
// hash one cost step off it costs twice as much: both far outside the bounds.
func TestSecurityLoginTimingHidesAccounts(t *testing.T) {
	s := StartServer(t, Env("OAUTHD_OAUTH_BCRYPT_COST=10"))
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	frappeLoginResp(t, nil, s, frappeEmail, "warm-up")
	const pairs = 24
	var known, unknown loginCost
	ratios := make([]float64, pairs)
	for i := range ratios {
		var k, u loginCost
		if i%2 == 0 {
			k, u = failedLogin(t, s, frappeEmail), failedLogin(t, s, "nobody@example.com")
		} else {
			u, k = failedLogin(t, s, "nobody@example.com"), failedLogin(t, s, frappeEmail)
		}
		ratios[i] = float64(u.wall) / float64(k.wall)
		known.wall, known.cpu, unknown.wall, unknown.cpu = known.wall+k.wall, known.cpu+k.cpu, unknown.wall+u.wall, unknown.cpu+u.cpu
	}
	slices.Sort(ratios)
	wall, cpu := ratios[pairs/2], float64(unknown.cpu)/float64(max(known.cpu, time.Millisecond))
	t.Logf("%d logins each: wrong password %v wall / %v server CPU, unknown account %v / %v; "+
		"median wall ratio %.2f, CPU ratio %.2f", pairs, known.wall, known.cpu, unknown.wall, unknown.cpu, wall, cpu)
	if cpu < 0.75 || cpu > 1.25 {
		t.Errorf("an unknown account costs the server %.2f of a wrong password's CPU: timing reveals accounts", cpu)
	}
	if wall < 0.5 || wall > 2 {
		t.Errorf("an unknown account takes %.2f of a wrong password's time (median of neighbours): timing reveals accounts", wall)
	}
}

// Finding 7: past login.max_failures the account backs off instead of locking: the next
// attempt waits Retry-After, then the owner's correct password works.
func TestSecurityLoginBackoffNotLockout(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, []Option{Env("OAUTHD_LOGIN_MAX_FAILURES=2")})
	for range 2 {
		if r := frappeLoginResp(t, nil, s.Server, frappeEmail, "guess"); r.Status != http.StatusUnauthorized {
			t.Fatalf("guess: %s", r)
		}
	}
	r := frappeLoginResp(t, nil, s.Server, frappeEmail, frappePassword)
	wait, _ := strconv.Atoi(r.Header.Get("Retry-After"))
	if r.Status != http.StatusTooManyRequests || wait < 1 || r.Str("error") != "too_many_requests" {
		t.Fatalf("attempt inside the back-off: %s Retry-After %q, want 429 with Retry-After", r, r.Header.Get("Retry-After"))
	}
	time.Sleep(time.Duration(wait)*time.Second + 100*time.Millisecond)
	if r := frappeLoginResp(t, nil, s.Server, frappeEmail, frappePassword); r.Status != http.StatusOK {
		t.Fatalf("owner after the back-off: %s, want 200", r)
	}
}

// Finding 7: correct logins are not failures, however many run at once.
func TestSecurityLoginConcurrentSuccessesDoNotLock(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, []Option{Env("OAUTHD_LOGIN_MAX_FAILURES=2")})
	var wg sync.WaitGroup
	statuses := make([]int, 40)
	for i := range statuses {
		wg.Go(func() {
			req := Request(t, "POST", s.URL+"/api/method/login",
				strings.NewReader(url.Values{"usr": {frappeEmail}, "pwd": {frappePassword}}.Encode()),
				"Content-Type", "application/x-www-form-urlencoded")
			if r, err := Do(nil, req); err == nil {
				statuses[i] = r.Status
			}
		})
	}
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusOK {
			t.Errorf("concurrent login %d: %d, want 200", i, st)
		}
	}
	if r := frappeLoginResp(t, nil, s.Server, frappeEmail, frappePassword); r.Status != http.StatusOK {
		t.Errorf("login after 40 concurrent successes: %s", r)
	}
}

// Finding 7: every attempt counts against the address, successful ones too, on every login
// endpoint.
func TestSecurityLoginAddressLimitCountsSuccesses(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, []Option{Env("OAUTHD_LOGIN_MAX_ATTEMPTS=3")})
	for i := range 3 {
		if r := frappeLoginResp(t, nil, s.Server, frappeEmail, frappePassword); r.Status != http.StatusOK {
			t.Fatalf("login %d: %s", i+1, r)
		}
	}
	r := frappeLoginResp(t, nil, s.Server, frappeEmail, frappePassword)
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("login past the address budget: %s, want 429 with Retry-After", r)
	}
	page := SendForm(t, nil, "POST", s.URL+"/web/login", url.Values{"login": {frappeEmail}, "password": {frappePassword}})
	if page.Status != http.StatusTooManyRequests {
		t.Errorf("Odoo login page past the budget: %d, want 429", page.Status)
	}
	if rpc := odooRPCLogin(t, nil, s.Server, frappeEmail, frappePassword); rpc.Status != http.StatusTooManyRequests ||
		!strings.Contains(string(rpc.Raw), "werkzeug.exceptions.TooManyRequests") {
		t.Errorf("Odoo JSON-RPC login past the budget: %s, want 429 in JSON-RPC shape", rpc)
	}
}

// Finding 7: password hashing is bounded; excess logins wait briefly, then get 503 with
// Retry-After, instead of queueing bcrypt work that starves every other request.
func TestSecurityLoginHashingBounded(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, []Option{Env("OAUTHD_OAUTH_BCRYPT_COST=12", "OAUTHD_LOGIN_MAX_CONCURRENT_HASHES=1",
		"OAUTHD_LOGIN_HASH_WAIT=1ms")})
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[int]int{}
	for range 6 {
		wg.Go(func() {
			req := Request(t, "POST", s.URL+"/api/method/login",
				strings.NewReader(url.Values{"usr": {frappeEmail}, "pwd": {"wrong"}}.Encode()),
				"Content-Type", "application/x-www-form-urlencoded")
			r, err := Do(nil, req)
			if err != nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			counts[r.Status]++
			if r.Status == http.StatusServiceUnavailable && (r.Header.Get("Retry-After") == "" ||
				r.Str("error") != "temporarily_unavailable") {
				t.Errorf("busy answer without Retry-After or error code: %s", r)
			}
		})
	}
	wg.Wait()
	if counts[http.StatusServiceUnavailable] == 0 || counts[http.StatusUnauthorized] == 0 {
		t.Errorf("statuses %v: want some 401 (hashed) and some 503 (no hashing slot)", counts)
	}
}

// Finding 7: a user's sessions are capped; a new login past login.max_sessions ends the
// oldest.
func TestSecurityLoginSessionCap(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, []Option{Env("OAUTHD_LOGIN_MAX_SESSIONS=2")})
	first := s.frappeLogin(t)
	time.Sleep(1100 * time.Millisecond) // sessions are ordered by their creation second
	s.frappeLogin(t)
	s.frappeLogin(t)
	if n := frappeCount(t, s.Server, "SELECT COUNT(*) FROM sessions"); n != 2 {
		t.Errorf("%d session rows, want 2", n)
	}
	if r := Send(t, first, "GET", s.URL+frappeLoggedIn, nil); r.Status == http.StatusOK {
		t.Errorf("the oldest session still works: %s", r)
	}
}

// Finding 3: the per-account count cannot be dodged by spelling the account differently or
// hiding it where the old middleware looked for another name.
func TestSecurityLoginLimitBypasses(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, []Option{Env("OAUTHD_LOGIN_MAX_FAILURES=6")})
	json := "application/json"
	attempts := []struct {
		name, method, path, ctype, body string
	}{
		{"leading space", "POST", "/api/method/login", "application/x-www-form-urlencoded",
			url.Values{"usr": {" " + frappeEmail}, "pwd": {"g1"}}.Encode()},
		{"upper case", "POST", "/login", "application/x-www-form-urlencoded",
			url.Values{"usr": {strings.ToUpper(frappeEmail)}, "pwd": {"g2"}}.Encode()},
		{"decoy usr on the Odoo page", "POST", "/web/login?usr=decoy@example.com", "application/x-www-form-urlencoded",
			url.Values{"login": {frappeEmail}, "password": {"g3"}}.Encode()},
		{"JSON-RPC with a decoy usr", "POST", "/web/session/authenticate", json,
			`{"jsonrpc":"2.0","usr":"decoy@example.com","params":{"login":"` + frappeEmail + `","password":"g4"}}`},
		{"mixed-case media type", "POST", "/api/method/login", "Application/Json",
			`{"usr":"` + frappeEmail + `","pwd":"g5"}`},
		{"account in the query", "GET", "/api/method/login?" + url.Values{"usr": {frappeEmail}, "pwd": {"g6"}}.Encode(), "", ""},
	}
	for _, a := range attempts {
		r := Send(t, nil, a.method, s.URL+a.path, strings.NewReader(a.body), "Content-Type", a.ctype)
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("%s: %s, want a refused login (401)", a.name, r)
		}
	}
	if r := frappeLoginResp(t, nil, s.Server, frappeEmail, frappePassword); r.Status != http.StatusTooManyRequests {
		t.Errorf("after six failures spelled six ways: %s, want 429 (all counted for one account)", r)
	}
	if r := Send(t, nil, "POST", s.URL+"/api/method/login", strings.NewReader(`{"usr": 5, "pwd": "x"}`),
		"Content-Type", json); r.Status != http.StatusBadRequest {
		t.Errorf(`{"usr": 5}: %s, want 400`, r)
	}
}

// Finding 3: on MariaDB (collation utf8mb4_general_ci) "alicé@example.com" compared equal to
// alice's address and logged in as alice. Emails compare exactly on every backend.
func TestSecurityLoginExactEmail(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	s.AddUser(t, "alice@example.com", "alice-password", "Alice")
	for _, usr := range []string{"alicé@example.com", "alıce@example.com"} {
		if r := frappeLoginResp(t, nil, s, usr, "alice-password"); r.Status != http.StatusUnauthorized {
			t.Errorf("login as %q: %s, want 401", usr, r)
		}
	}
	if r := frappeLoginResp(t, nil, s, "Alice@Example.com ", "alice-password"); r.Status != http.StatusOK {
		t.Errorf("alice's own address, other case: %s, want 200", r)
	}
}
