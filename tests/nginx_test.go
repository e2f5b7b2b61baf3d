package tests

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nginxConf wraps the configuration docs/protecting-apis.md shows (documentedNginx) in what a
// test needs to run nginx unprivileged in a directory of its own: %[1]s is that directory, %[2]d
// the port nginx listens on, %[3]s the documented locations.
const nginxConf = `daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;

    server {
        listen 127.0.0.1:%[2]d;
%[3]s
    }
}
`

// documentedNginx is the nginx block of docs/protecting-apis.md, with the addresses it names
// for oauthd (127.0.0.1:8000) and the API (127.0.0.1:8069) replaced by the test's.
func documentedNginx(t *testing.T, oauthd, api string) string {
	t.Helper()
	doc, err := os.ReadFile("../docs/protecting-apis.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(doc), "```nginx\n")
	if block, _, ok = strings.Cut(block, "```"); !ok || !strings.Contains(block, "127.0.0.1:8000") ||
		!strings.Contains(block, "127.0.0.1:8069") {
		t.Fatalf("docs/protecting-apis.md has no nginx block naming oauthd's and the API's addresses")
	}
	return strings.NewReplacer("127.0.0.1:8000", oauthd, "127.0.0.1:8069", api).Replace(block)
}

// nginxBinary finds nginx, or skips the test without it unless OAUTHD_REQUIRE_NGINX=1.
func nginxBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("OAUTHD_REQUIRE_NGINX") == "1" {
		t.Fatal("OAUTHD_REQUIRE_NGINX=1 but nginx is not installed")
	}
	t.Skip("nginx is not installed (apt-get install nginx)")
	return ""
}

// startNginx runs nginx in front of api with auth_request to oauthd, and returns its base URL.
func startNginx(t *testing.T, oauthd, api string) string {
	t.Helper()
	bin := nginxBinary(t)
	dir := t.TempDir()
	port := freePort(t)
	conf := filepath.Join(dir, "nginx.conf")
	text := fmt.Sprintf(nginxConf, dir, port,
		documentedNginx(t, strings.TrimPrefix(oauthd, "http://"), strings.TrimPrefix(api, "http://")))
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log"))
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGQUIT)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx output:\n%s\nerror.log:\n%s", out.String(), log)
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return "http://" + addr
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			t.Fatalf("nginx did not listen on %s:\n%s", addr, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNginxAuthRequest puts real nginx with auth_request in front of an API: only requests
// whose token passes /oauth2/verify?scope=all reach it, with oauthd's identity and never the
// client's own X-Auth-* headers or its token.
func TestNginxAuthRequest(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	tok := protectSetup(t, s)
	api := startEcho(t)
	front := startNginx(t, s.URL, api.URL)
	protectGateCases(t, front, api, tok, false) // nginx passes the query on as it is
}

// protectGateCases are the cases nginx and the built-in proxy both must pass, in front of
// api at base. stripsQuery: the gate also takes access_token out of the query.
func protectGateCases(t *testing.T, base string, api *echoUpstream, tok *protectTokens, stripsQuery bool) {
	t.Helper()
	ada, app := tok.flow.Email, tok.flow.Client.ID
	hits := api.hits.Load()
	reached := func(name string, r *Resp, user, client string) echoed {
		t.Helper()
		e := echo(t, name, r)
		h := http.Header(e.Header)
		verifyIdentity(t, name+" (at the upstream)", h, user, client)
		if h.Get("Authorization") != "" || (stripsQuery && strings.Contains(e.RawQuery, "access_token")) {
			t.Errorf("%s: the upstream received the token: %v %q", name, h.Get("Authorization"), e.RawQuery)
		}
		hits++
		return e
	}

	r := Send(t, nil, "GET", base+"/api/resource/User?fields=%5B%22name%22%5D", nil, "Authorization", "Bearer "+tok.all)
	e := reached("valid token", r, ada, app)
	if e.Path != "/api/resource/User" || e.RawQuery != "fields=%5B%22name%22%5D" || e.Method != "GET" {
		t.Errorf("valid token: upstream saw %s %s?%s", e.Method, e.Path, e.RawQuery)
	}

	r = Send(t, nil, "GET", base+"/api/resource/User", nil, "Authorization", "Bearer "+tok.all,
		"X-Auth-User", "mallory@example.com", "X-Auth-Scope", "everything")
	e = reached("spoofed X-Auth-User", r, ada, app)
	if got := http.Header(e.Header).Values("X-Auth-User"); len(got) != 1 || got[0] != ada {
		t.Errorf("spoofed X-Auth-User: the upstream saw %q, want only %q", got, ada)
	}

	r = Send(t, nil, "POST", base+"/restapi/1.0/object/res.partner?ids=1&access_token="+tok.odoo,
		strings.NewReader(`{"name":"x"}`), "Content-Type", "application/json")
	e = reached("odoo ?access_token=", r, ada, tok.odooCli.ID)
	if e.Method != "POST" || e.BodyLen != int64(len(`{"name":"x"}`)) {
		t.Errorf("odoo ?access_token=: upstream saw %s with %d body bytes", e.Method, e.BodyLen)
	}

	for _, c := range []struct {
		name, token string
		status      int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"bad token", strings.Repeat("B", 40), http.StatusUnauthorized},
		{"revoked token", tok.revoked, http.StatusUnauthorized},
		{"disabled user", tok.bob, http.StatusUnauthorized},
		{"under-scoped token", tok.openid, http.StatusForbidden},
	} {
		var hdr []string
		if c.token != "" {
			hdr = []string{"Authorization", "Bearer " + c.token}
		}
		r := Send(t, nil, "GET", base+"/api/resource/User", nil, hdr...)
		if r.Status != c.status {
			t.Errorf("%s: %s, want %d", c.name, r, c.status)
		}
		// A request without a token is told where to get one and for which scopes, with no
		// error (RFC 6750 §3.1); a bad token is invalid_token.
		challenge := r.Header.Get("WWW-Authenticate")
		if c.status == http.StatusUnauthorized && (!strings.Contains(challenge, `scope="all"`) ||
			!strings.Contains(challenge, `resource_metadata="`) ||
			strings.Contains(challenge, `error="invalid_token"`) != (c.token != "")) {
			t.Errorf("%s: WWW-Authenticate %q", c.name, challenge)
		}
	}
	if got := api.hits.Load(); got != hits {
		t.Errorf("the upstream received %d requests, want %d: refused ones reached it", got, hits)
	}
}
