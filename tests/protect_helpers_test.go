package tests

// Helpers of the tests of /oauth2/verify, nginx in front of it and the built-in proxy: an
// oauthd started with a config file, tokens of every kind, and an upstream that echoes what
// it receives and counts requests.

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"oauthd/core"
)

// startWithConfig starts oauthd with a config file holding text (e.g. [[proxy]] tables, which
// the environment cannot express), on a fresh database.
func startWithConfig(t *testing.T, text string, opts ...Option) *Server {
	t.Helper()
	db := NewDatabase(t)
	path := filepath.Join(t.TempDir(), "oauthd.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	env := serverEnv(db)
	for _, o := range opts {
		o(&env)
	}
	s := &Server{DB: db, Env: env, log: &syncBuffer{}}
	s.startWith(t, "--config", path, "serve")
	t.Cleanup(func() { s.Stop(t) })
	return s
}

// protectTokens are access tokens of every kind, for Ada unless named otherwise.
type protectTokens struct {
	flow    *resFlow // Ada, the Frappe client, a logged-in browser
	all     string   // Frappe code flow, scope "all openid"
	openid  string   // Frappe code flow, scope "openid" only
	refresh string   // the refresh token of all's grant
	odoo    string   // Odoo client_credentials, of odooClient (owned by Ada)
	bob     string   // Bob's token; Bob is disabled before it is ever used
	revoked string   // revoked through Frappe's revoke_token before it is ever used
	expired string   // expired in the database before it is ever used
	odooCli Client
}

// protectSetup registers users and clients on s and mints a token of every kind.
func protectSetup(t *testing.T, s *Server) *protectTokens {
	t.Helper()
	f := resSetupFlow(t, s)
	p := &protectTokens{flow: f}
	p.all, p.refresh = protectFrappeToken(t, s, f, "all openid")
	p.openid, _ = protectFrappeToken(t, s, f, "openid")
	p.odooCli = s.AddClient(t, "--name", "Odoo Sync", "--redirect-uri", "https://127.0.0.1/cb", "--auth-method",
		"client_secret_post", "--owner", f.Email, "--grant-type", "client_credentials")
	p.odoo = protectOdooCC(t, s, p.odooCli)

	p.revoked, _ = protectFrappeToken(t, s, f, "all")
	if r := SendForm(t, nil, "POST", s.URL+resFrappeRevoke, url.Values{"token": {p.revoked}, "client_id": {f.Client.ID},
		"client_secret": {f.Client.Secret}}); r.Status != http.StatusOK {
		t.Fatalf("revoke_token: %s", r)
	}
	p.expired, _ = protectFrappeToken(t, s, f, "all")
	protectExec(t, s, "UPDATE tokens SET expires_at = 1 WHERE id = ?", core.Digest(p.expired))

	s.AddUser(t, "bob@example.com", "bob-password-123", "Bob")
	bob := &resFlow{Email: "bob@example.com", Password: "bob-password-123", Client: f.Client, Redirect: f.Redirect,
		Browser: Browser(t)}
	bob.Login(t, s.URL)
	p.bob, _ = protectFrappeToken(t, s, bob, "all")
	protectExec(t, s, "UPDATE users SET enabled = ? WHERE email = ?", false, bob.Email)
	return p
}

func protectExec(t *testing.T, s *Server, query string, args ...any) {
	t.Helper()
	if _, err := serverSQL(t, s).Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// protectFrappeToken runs the Frappe code flow for scope with f's browser.
func protectFrappeToken(t *testing.T, s *Server, f *resFlow, scope string) (access, refresh string) {
	t.Helper()
	q := url.Values{"client_id": {f.Client.ID}, "response_type": {"code"}, "redirect_uri": {f.Redirect},
		"scope": {scope}, "state": {"st"}}
	code := Send(t, f.Browser, "GET", s.URL+resFrappeAuthorize+"?"+q.Encode(), nil).Location(t).Query().Get("code")
	r, err := f.Exchange(s.URL, code)
	if err != nil || r.Status != http.StatusOK || r.Str("access_token") == "" {
		t.Fatalf("get_token for %q: %v %v", scope, r, err)
	}
	return r.Str("access_token"), r.Str("refresh_token")
}

// protectOdooCC gets a client_credentials token from the Odoo dialect's endpoint.
func protectOdooCC(t *testing.T, s *Server, c Client) string {
	t.Helper()
	r := SendForm(t, nil, "POST", s.URL+resOdooToken, url.Values{"grant_type": {"client_credentials"},
		"client_id": {c.ID}, "client_secret": {c.Secret}})
	if r.Status != http.StatusOK || r.Str("access_token") == "" {
		t.Fatalf("odoo client_credentials: %s", r)
	}
	return r.Str("access_token")
}

// echoUpstream is the API behind the proxy: it answers every request with what it received,
// and counts requests.
type echoUpstream struct {
	*httptest.Server
	hits atomic.Int64
	// firstMiB is closed when the upstream has read the first MiB of an upload's body, and
	// release lets a download go on past its first MiB: the streaming tests move each side
	// only after the other has seen the start, which a proxy that buffers bodies never allows.
	firstMiB, release chan struct{}
}

const mib = 1 << 20

// echoed is what the upstream reports about a request.
type echoed struct {
	Method   string              `json:"method"`
	Path     string              `json:"path"` // as sent (escaped)
	RawQuery string              `json:"raw_query"`
	Host     string              `json:"host"`
	Header   map[string][]string `json:"header"`
	BodyLen  int64               `json:"body_len"`
	BodySHA  string              `json:"body_sha256"`
}

// startEcho starts the upstream. GET .../download?n=N answers N bytes of pattern instead of
// the echo, pausing after the first MiB until release is closed; ?sleep=D waits D first;
// ?acao=O answers Access-Control-Allow-Origin: O.
func startEcho(t *testing.T) *echoUpstream {
	t.Helper()
	u := &echoUpstream{firstMiB: make(chan struct{}), release: make(chan struct{})}
	var firstOnce sync.Once
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		if d, err := time.ParseDuration(r.URL.Query().Get("sleep")); err == nil {
			time.Sleep(d)
		}
		if n, err := strconv.Atoi(r.URL.Query().Get("n")); err == nil && strings.HasSuffix(r.URL.Path, "/download") {
			u.download(w, int64(n))
			return
		}
		h := sha256.New()
		n, _ := io.Copy(h, io.LimitReader(r.Body, mib))
		if n == mib {
			firstOnce.Do(func() { close(u.firstMiB) })
		}
		more, _ := io.Copy(h, r.Body)
		n += more
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Upstream", "echo")
		if o := r.URL.Query().Get("acao"); o != "" { // an upstream with a CORS policy of its own
			w.Header().Set("Access-Control-Allow-Origin", o)
		}
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(echoed{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
			Host: r.Host, Header: r.Header, BodyLen: n, BodySHA: hex.EncodeToString(h.Sum(nil))})
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *echoUpstream) download(w http.ResponseWriter, n int64) {
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	w.Header().Set("X-Upstream", "download")
	body := io.LimitReader(&pattern{}, n)
	io.Copy(w, io.LimitReader(body, mib))
	w.(http.Flusher).Flush()
	select {
	case <-u.release:
	case <-time.After(20 * time.Second): // the client never saw the first MiB: cut the answer short
		return
	}
	io.Copy(w, body)
}

// pattern is an endless reader of bytes that depend on their position only.
type pattern struct{ off int64 }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte((p.off+int64(i))%251) ^ 0x5a
	}
	p.off += int64(len(b))
	return len(b), nil
}

// patternSHA is the SHA-256 of the first n bytes of pattern.
func patternSHA(n int64) string {
	h := sha256.New()
	io.Copy(h, io.LimitReader(&pattern{}, n))
	return hex.EncodeToString(h.Sum(nil))
}

// echo decodes an echo answer; it fails the test when r is not one.
func echo(t *testing.T, what string, r *Resp) echoed {
	t.Helper()
	var e echoed
	if r.Status != http.StatusCreated || r.Header.Get("X-Upstream") != "echo" || json.Unmarshal(r.Raw, &e) != nil {
		t.Fatalf("%s: %s, want the upstream's echo", what, r)
	}
	return e
}

// freePort is a port nothing listens on (listened on once, then closed).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// rawUpstream is an API behind the proxy that records each request exactly as it arrived on the
// wire (header lines in order and spelling, the body) and answers every one with a small JSON
// and the extra header lines set in reply.
type rawUpstream struct {
	URL   string
	reply string // extra response header lines, each ending in \r\n
	mu    sync.Mutex
	got   []rawReceived
}

// rawReceived is one request as the upstream read it.
type rawReceived struct {
	Line   string   // the request line
	Header []string // "Name: value" lines as sent
	Body   []byte
}

// values are the values of the header lines named name, in any case ("_" and "-" differ).
func (r rawReceived) values(name string) []string {
	var out []string
	for _, line := range r.Header {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, name) {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

func startRawUpstream(t *testing.T, reply string) *rawUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &rawUpstream{URL: "http://" + ln.Addr().String(), reply: reply}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go u.serve(conn)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return u
}

func (u *rawUpstream) serve(conn net.Conn) {
	defer conn.Close()
	rd := bufio.NewReader(conn)
	for {
		var r rawReceived
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		r.Line = strings.TrimRight(line, "\r\n")
		length, chunked := 0, false
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			if line == "" {
				break
			}
			r.Header = append(r.Header, line)
			k, v, _ := strings.Cut(line, ":")
			switch {
			case strings.EqualFold(k, "Content-Length"):
				length, _ = strconv.Atoi(strings.TrimSpace(v))
			case strings.EqualFold(k, "Transfer-Encoding"):
				chunked = true
			}
		}
		var body io.Reader = io.LimitReader(rd, int64(length))
		if chunked {
			body = httputil.NewChunkedReader(rd)
		}
		if r.Body, err = io.ReadAll(body); err != nil {
			return
		}
		u.mu.Lock()
		u.got = append(u.got, r)
		u.mu.Unlock()
		const answer = `{"upstream":"raw"}`
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n%s",
			u.reply, len(answer), answer)
	}
}

// last is the request the upstream received last; it fails the test when there was none.
func (u *rawUpstream) last(t *testing.T) rawReceived {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.got) == 0 {
		t.Fatal("the upstream received no request")
	}
	return u.got[len(u.got)-1]
}

// hits is how many requests the upstream received.
func (u *rawUpstream) hits() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.got)
}

// rawWrite writes a hand-written request to s on a connection of its own (no Go client
// normalises it) and returns the connection, to read the answer from rd and to close.
func rawWrite(t *testing.T, s *Server, raw string) (conn net.Conn, rd *bufio.Reader) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(s.URL, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		conn.Close()
		t.Fatal(err)
	}
	return conn, bufio.NewReader(conn)
}

// rawSend is rawWrite's answer, read whole.
func rawSend(t *testing.T, s *Server, raw string) *Resp {
	t.Helper()
	conn, rd := rawWrite(t, s, raw)
	defer conn.Close()
	res, err := http.ReadResponse(rd, nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return NewResp(res.StatusCode, res.Header, body)
}
