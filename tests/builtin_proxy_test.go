package tests

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// proxyConfig routes the API's Frappe and Odoo paths to api, and two prefixes to a port
// nothing listens on.
func proxyConfig(api string, down int) string {
	return fmt.Sprintf(`
[[proxy]]
prefix = "/api/resource"
upstream = "%[1]s"
scope = "all"

[[proxy]]
prefix = "/restapi/1.0/object"
upstream = "%[1]s"
scope = "all"

[[proxy]]
prefix = "/stripped"
upstream = "%[1]s/base"
strip_prefix = true

[[proxy]]
prefix = "/api/down"
upstream = "http://127.0.0.1:%[2]d"

[[proxy]]
prefix = "/api/slow"
upstream = "%[1]s"
timeout = "1s"

[[proxy]]
prefix = "/restapi/1.0/down"
upstream = "http://127.0.0.1:%[2]d"
dial_timeout = "2s"
`, api, down)
}

// TestBuiltinProxy runs the cases nginx passes through the built-in proxy instead, then what
// only the proxy does: the query without access_token, strip_prefix, the upstream's answer
// unchanged, errors in each path's dialect, and oauthd's own endpoints still held to
// server.body_limit.
func TestBuiltinProxy(t *testing.T) {
	t.Parallel()
	api := startEcho(t)
	s := startWithConfig(t, proxyConfig(api.URL, freePort(t)))
	tok := protectSetup(t, s) // the whole code flow, through the streaming server
	protectGateCases(t, s.URL, api, tok, true)

	r := Send(t, nil, "PATCH", s.URL+"/stripped/Item/A%2FB?b=2&access_token="+tok.odoo+"&a=%20", strings.NewReader("hi"),
		"X-Auth-Client", "spoofed", "x-auth-extra", "spoofed", "User-Agent", "sync/1.0")
	e := echo(t, "strip_prefix", r)
	h := http.Header(e.Header)
	if e.Method != "PATCH" || e.Path != "/base/Item/A%2FB" || e.RawQuery != "b=2&a=%20" || e.BodyLen != 2 {
		t.Errorf("strip_prefix: upstream saw %s %s?%s with %d bytes", e.Method, e.Path, e.RawQuery, e.BodyLen)
	}
	if h.Get("X-Auth-Extra") != "" || h.Get("X-Auth-Client") != tok.odooCli.ID || h.Get("User-Agent") != "sync/1.0" ||
		h.Get("X-Forwarded-For") == "" || e.Host != strings.TrimPrefix(api.URL, "http://") ||
		h.Get("X-Forwarded-Host") != strings.TrimPrefix(s.URL, "http://") {
		t.Errorf("strip_prefix: upstream headers %v, host %q", h, e.Host)
	}
	if r.Header.Get("X-Upstream") != "echo" || len(r.Header.Values("Set-Cookie")) != 2 ||
		r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("the upstream's headers did not come back unchanged: %v", r.Header)
	}

	hits := api.hits.Load()
	r = Send(t, nil, "GET", s.URL+"/restapi/1.0/object/res.partner?access_token="+strings.Repeat("C", 40), nil)
	odooExpect(t, r, http.StatusUnauthorized, map[string]any{"code": float64(401), "message": "Access Token Invalid",
		"error": "invalid_token"})
	r = Send(t, nil, "GET", s.URL+"/restapi/1.0/down/x", nil, "Authorization", "Bearer "+tok.all)
	odooExpect(t, r, http.StatusBadGateway, map[string]any{"code": float64(502), "message": "Bad Gateway"})
	r = Send(t, nil, "GET", s.URL+"/api/down/x", nil, "Authorization", "Bearer "+tok.all)
	frappeExpect(t, "upstream down", r, http.StatusBadGateway, map[string]any{"status_code": float64(502),
		"error": "temporarily_unavailable"})
	r = Send(t, nil, "GET", s.URL+"/api/slow/x?sleep=3s", nil, "Authorization", "Bearer "+tok.all)
	frappeExpect(t, "upstream too slow", r, http.StatusGatewayTimeout, map[string]any{"status_code": float64(504),
		"error": "temporarily_unavailable"})
	hits++ // the slow request reached the upstream
	for _, path := range []string{"/api/resource/..%2F..%2Fapi/method/x", "/api/resource/%2e%2e/method/x"} {
		r = Send(t, nil, "GET", s.URL+path, nil, "Authorization", "Bearer "+tok.all)
		frappeExpect(t, path, r, http.StatusBadRequest, map[string]any{"error": "invalid_request"})
	}
	if got := api.hits.Load(); got != hits {
		t.Errorf("refused requests reached the upstream: %d, want %d", got, hits)
	}

	// oauthd's own endpoints still read multipart bodies, and keep server.body_limit (64 KiB),
	// while the server streams bodies.
	r = odooPostMultipart(t, nil, s.URL+resOdooToken, map[string]string{"grant_type": "client_credentials",
		"client_id": tok.odooCli.ID, "client_secret": tok.odooCli.Secret})
	if r.Status != http.StatusOK || r.Str("access_token") == "" {
		t.Errorf("multipart client_credentials with proxies configured: %s", r)
	}
	big := url.Values{"grant_type": {"client_credentials"}, "pad": {strings.Repeat("x", 70<<10)}}.Encode()
	for _, chunked := range []bool{false, true} {
		req := Request(t, "POST", s.URL+resFrappeToken, strings.NewReader(big),
			"Content-Type", "application/x-www-form-urlencoded")
		if chunked {
			req.ContentLength = -1
			req.Body = io.NopCloser(strings.NewReader(big)) // no length: sent chunked
		}
		if r := SendRequest(t, nil, req); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("70 KiB form to get_token (chunked %v): %s, want 413", chunked, r)
		}
	}
	resAlive(t, s)
}

// TestBuiltinProxyStreams5MB sends 5 MB up and 5 MB down through the proxy, past the 64 KiB
// body limit. Each side waits until the other has the first MiB before it sends the rest,
// which a proxy that reads bodies whole never allows: the test would fail on its timeouts.
func TestBuiltinProxyStreams5MB(t *testing.T) {
	t.Parallel()
	api := startEcho(t)
	s := startWithConfig(t, proxyConfig(api.URL, freePort(t)))
	tok := protectSetup(t, s)
	const size = 5 * 1000 * 1000

	body, w := io.Pipe()
	go func() {
		src := io.LimitReader(&pattern{}, size)
		if _, err := io.CopyN(w, src, mib); err != nil {
			w.CloseWithError(err)
			return
		}
		select {
		case <-api.firstMiB:
		case <-time.After(15 * time.Second):
			w.CloseWithError(fmt.Errorf("the upstream never saw the first MiB: the proxy buffers uploads"))
			return
		}
		_, err := io.Copy(w, src)
		w.CloseWithError(err)
	}()
	req := Request(t, "PUT", s.URL+"/api/resource/File/upload", body, "Authorization", "Bearer "+tok.all,
		"Expect", "100-continue") // as curl sends with large bodies
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second}}
	req.ContentLength = size
	e := echo(t, "5 MB upload", SendRequest(t, client, req))
	if e.BodyLen != size || e.BodySHA != patternSHA(size) {
		t.Errorf("5 MB upload: the upstream received %d bytes (sha %s), want %d", e.BodyLen, e.BodySHA, size)
	}

	res, err := NoRedirect.Do(Request(t, "GET", s.URL+fmt.Sprintf("/restapi/1.0/object/download?n=%d", size), nil,
		"Authorization", "Bearer "+tok.all))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	h := sha256.New()
	first := make(chan error, 1)
	go func() { _, err := io.CopyN(h, res.Body, mib); first <- err }()
	select {
	case err := <-first:
		if err != nil {
			t.Fatalf("5 MB download, first MiB: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("5 MB download: the first MiB never arrived: the proxy buffers responses")
	}
	close(api.release)
	rest, err := io.Copy(h, res.Body)
	if err != nil || rest+mib != size || hex.EncodeToString(h.Sum(nil)) != patternSHA(size) ||
		res.Header.Get("X-Upstream") != "download" {
		t.Errorf("5 MB download: %d bytes, %v, sha match %v, headers %v", rest+mib, err,
			hex.EncodeToString(h.Sum(nil)) == patternSHA(size), res.Header)
	}
}
