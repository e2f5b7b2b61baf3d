package tests

// Helpers of the resilience and bad-input tests: a MariaDB database of their own, a TCP proxy
// that can cut the database away, the Frappe code flow in a few calls, raw HTTP requests, and
// row counts of every table.

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"oauthd/core"
)

// Endpoint paths of both dialects.
const (
	resFrappeLogin      = "/api/method/login"
	resFrappeAuthorize  = "/api/method/frappe.integrations.oauth2.authorize"
	resFrappeToken      = "/api/method/frappe.integrations.oauth2.get_token"
	resFrappeRevoke     = "/api/method/frappe.integrations.oauth2.revoke_token"
	resFrappeIntrospect = "/api/method/frappe.integrations.oauth2.introspect_token"
	resFrappeProfile    = "/api/method/frappe.integrations.oauth2.openid_profile"
	resFrappeLoggedUser = "/api/method/frappe.auth.get_logged_user"
	resOdooAuthorize    = "/restapi/1.0/common/oauth2/authorize"
	resOdooToken        = "/restapi/1.0/common/oauth2/access_token"
	resOdooUserinfo     = "/restapi/1.0/common/oauth2/userinfo"
	resOdooRevoke       = "/restapi/1.0/common/oauth2/revoke"
	resOdooSessionAuth  = "/web/session/authenticate"
)

// resTables are every table oauthd writes.
var resTables = []string{"tokens", "authorization_codes", "sessions", "consents", "users", "clients"}

// resMySQLDatabase creates an empty MariaDB database on 127.0.0.1:3306 whatever backend the run
// targets, for the tests that need MariaDB itself. It skips when MariaDB is unreachable, unless
// OAUTHD_REQUIRE_MYSQL=1. The database is dropped after the test.
func resMySQLDatabase(t *testing.T) (db *Database, name string) {
	t.Helper()
	admin, err := sql.Open("mysql", mysqlAdminDSN+"?timeout=3s")
	if err == nil {
		err = admin.Ping()
	}
	if err != nil {
		if admin != nil {
			admin.Close()
		}
		if os.Getenv("OAUTHD_REQUIRE_MYSQL") == "1" {
			t.Fatalf("OAUTHD_REQUIRE_MYSQL=1 but MariaDB on 127.0.0.1:3306 is unreachable: %v", err)
		}
		t.Skipf("MariaDB on 127.0.0.1:3306 is unreachable: %v", err)
	}
	return createMySQLDatabase(t, admin, "oauthd_res_")
}

// resCounts counts the rows of every table.
func resCounts(t *testing.T, h *sql.DB) map[string]int {
	t.Helper()
	out := make(map[string]int, len(resTables))
	for _, table := range resTables {
		var n int
		if err := h.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

// resCountsDiff describes how two counts differ ("" when equal).
func resCountsDiff(before, after map[string]int) string {
	var diffs []string
	for _, table := range resTables {
		if before[table] != after[table] {
			diffs = append(diffs, fmt.Sprintf("%s %d→%d", table, before[table], after[table]))
		}
	}
	return strings.Join(diffs, ", ")
}

// resGrantTokens counts a grant's access and refresh token rows, revoked or not.
func resGrantTokens(t *testing.T, h *sql.DB, code string) (used bool, access, refresh int) {
	t.Helper()
	var grant string
	var usedAt int64
	err := h.QueryRow("SELECT grant_id, used_at FROM authorization_codes WHERE id = ?", core.Digest(code)).
		Scan(&grant, &usedAt)
	if err != nil {
		t.Fatalf("code row: %v", err)
	}
	err = h.QueryRow("SELECT COALESCE(SUM(CASE WHEN kind = 'access' THEN 1 ELSE 0 END), 0), "+
		"COALESCE(SUM(CASE WHEN kind = 'refresh' THEN 1 ELSE 0 END), 0) FROM tokens WHERE grant_id = ?", grant).
		Scan(&access, &refresh)
	if err != nil {
		t.Fatalf("token rows: %v", err)
	}
	return usedAt != 0, access, refresh
}

// resPostForm posts an urlencoded form.
func resPostForm(client *http.Client, endpoint string, form url.Values) (*Resp, error) {
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return Do(client, req)
}

// resGet sends a GET with an optional bearer token.
func resGet(client *http.Client, endpoint, bearer string) (*Resp, error) {
	req, err := http.NewRequest(http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, err
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return Do(client, req)
}

// resWantOK is err, or an error naming the answer when it is not a 200.
func resWantOK(r *Resp, err error) error {
	if err == nil && r.Status != http.StatusOK {
		err = errors.New(r.String())
	}
	return err
}

// resFlow is a user, a confidential client_secret_post client that skips consent, and a
// browser logged in as the user.
type resFlow struct {
	Email, Password string
	Client          Client
	Redirect        string
	Browser         *http.Client
}

// resSetupFlow registers a user and a client through the CLI and logs the browser in at base.
func resSetupFlow(t *testing.T, s *Server) *resFlow {
	t.Helper()
	f := &resFlow{Email: "ada@example.com", Password: "correct-horse-battery", Redirect: "http://127.0.0.1:9/cb"}
	s.AddUser(t, f.Email, f.Password, "Ada Lovelace")
	f.Client = s.AddClient(t, "--name", "Resilience App", "--redirect-uri", f.Redirect,
		"--auth-method", "client_secret_post", "--skip-authorization")
	f.Browser = Browser(t)
	f.Login(t, s.URL)
	return f
}

// Login opens a session for the browser at base (POST /api/method/login).
func (f *resFlow) Login(t *testing.T, base string) {
	t.Helper()
	r, err := resPostForm(f.Browser, base+resFrappeLogin, url.Values{"usr": {f.Email}, "pwd": {f.Password}})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if r.Status != http.StatusOK {
		t.Fatalf("login: %s", r)
	}
}

// Code runs the Frappe authorize step at base and returns the code from the redirect.
func (f *resFlow) Code(t *testing.T, base string) string {
	t.Helper()
	code, err := f.TryCode(base)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TryCode is Code without a test, for goroutines.
func (f *resFlow) TryCode(base string) (string, error) {
	state := randomHex(8)
	q := url.Values{"client_id": {f.Client.ID}, "response_type": {"code"}, "redirect_uri": {f.Redirect},
		"scope": {"all openid"}, "state": {state}}
	req, err := http.NewRequest(http.MethodGet, base+resFrappeAuthorize+"?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	r, err := Do(f.Browser, req)
	if err != nil {
		return "", fmt.Errorf("authorize: %w", err)
	}
	if r.Status != http.StatusFound {
		return "", fmt.Errorf("authorize: %s, want 302", r)
	}
	loc, err := url.Parse(r.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), f.Redirect) {
		return "", fmt.Errorf("authorize redirected to %q", r.Header.Get("Location"))
	}
	if loc.Query().Get("state") != state || loc.Query().Get("code") == "" {
		return "", fmt.Errorf("authorize redirect %q lacks the code or the state %q", loc, state)
	}
	return loc.Query().Get("code"), nil
}

// Exchange redeems a code at base's Frappe token endpoint.
func (f *resFlow) Exchange(base, code string) (*Resp, error) {
	return resPostForm(NoRedirect, base+resFrappeToken, url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {f.Redirect}, "client_id": {f.Client.ID}, "client_secret": {f.Client.Secret}})
}

// Tokens runs the whole flow at base and returns the access token.
func (f *resFlow) Tokens(t *testing.T, base string) (access, refresh string) {
	t.Helper()
	r, err := f.Exchange(base, f.Code(t, base))
	if err != nil {
		t.Fatalf("get_token: %v", err)
	}
	access, _ = r.JSON["access_token"].(string)
	refresh, _ = r.JSON["refresh_token"].(string)
	if r.Status != http.StatusOK || access == "" {
		t.Fatalf("get_token: %s", r)
	}
	return access, refresh
}

// resAlive fails the test when the server process has exited or logged a panic.
func resAlive(t *testing.T, s *Server) {
	t.Helper()
	if s.cmd.ProcessState != nil || s.cmd.Process.Signal(syscall.Signal(0)) != nil {
		t.Fatalf("oauthd exited:\n%s", s.log.String())
	}
	if log := s.log.String(); strings.Contains(log, "panic") || strings.Contains(log, "goroutine ") {
		t.Fatalf("oauthd log shows a panic:\n%s", log)
	}
}

// resProxy forwards TCP connections to a target. Cut closes every live connection and refuses
// (accepts and at once closes) new ones until Restore.
type resProxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	up    bool
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// resStartProxy listens on 127.0.0.1:0 and forwards to target; it is closed after the test.
func resStartProxy(t *testing.T, target string) *resProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &resProxy{ln: ln, target: target, up: true, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// Port is the proxy's port.
func (p *resProxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Cut closes every live connection and refuses new ones.
func (p *resProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.up = false
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Restore forwards new connections again.
func (p *resProxy) Restore() {
	p.mu.Lock()
	p.up = true
	p.mu.Unlock()
}

func (p *resProxy) close() {
	p.ln.Close()
	p.Cut()
	p.wg.Wait()
}

// track registers live connections; false (and both closed) when the proxy is cut.
func (p *resProxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.up {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	for _, c := range cs {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *resProxy) untrack(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		c.Close()
		delete(p.conns, c)
	}
}

func (p *resProxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(client) {
			continue
		}
		p.wg.Add(1)
		go p.forward(client)
	}
}

func (p *resProxy) forward(client net.Conn) {
	defer p.wg.Done()
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		p.untrack(client)
		return
	}
	if !p.track(server) {
		p.untrack(client)
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(server, client)
	go pipe(client, server)
	<-done
	p.untrack(client, server) // closing both ends the other copy
	<-done
}

// resRaw sends raw bytes to addr ("127.0.0.1:port" or a base URL) and reads one response. A
// failed write is ignored when a response still arrives (a server may answer 413 and close
// before reading a large body).
func resRaw(addr string, raw []byte) (*Resp, error) {
	addr = strings.TrimPrefix(addr, "http://")
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	werr := make(chan error, 1)
	go func() { _, err := conn.Write(raw); werr <- err }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		if we := <-werr; we != nil {
			return nil, fmt.Errorf("write: %v; read: %w", we, err)
		}
		return nil, fmt.Errorf("read response: %w", err)
	}
	r, err := ReadResp(resp)
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	return r, nil
}

// resWaitFor polls check every 100ms until it returns nil or the time is up, and returns the
// last error.
func resWaitFor(ctx context.Context, within time.Duration, check func() error) error {
	deadline := time.Now().Add(within)
	for {
		err := check()
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}
