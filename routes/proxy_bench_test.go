package routes_test

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"oauthd/config"
)

// BenchmarkBearerProxyForward is a GET through the built-in proxy ([[proxy]]): the bearer check
// of /oauth2/verify, the request's headers rewritten for the upstream (a browser's cookies
// among them), the forward over a kept-alive connection and the upstream's small JSON answer
// streamed back (SQLite). The upstream is a bare fasthttp server in this process, so the row
// is oauthd's cost on top of one bearer check and one loopback round trip.
func BenchmarkBearerProxyForward(b *testing.B) {
	upstream := benchUpstream(b)
	e := newBenchEnv(b, "sqlite", func(cfg *config.Config) {
		cfg.Proxies = []config.Proxy{{Prefix: "/api/resource", Upstream: upstream, Scope: "all",
			DialTimeout: 5 * time.Second, Timeout: 60 * time.Second, CORS: config.CORSOAuthd}}
	})
	c, _ := e.client(b, false)
	token := e.accessToken(b, c)
	url := e.base + "/api/resource/Item/1?fields=name"
	want := []byte(`"upstream"`)
	e.timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error {
			req, err := http.NewRequest(http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Cookie", "theme=dark; sid=0123456789abcdef0123456789abcdef01234567; lang=en")
			req.Header.Set("User-Agent", "bench/1.0")
			if err := do(e.http, req, buf); err != nil {
				return err
			}
			if !bytes.Contains(buf.Bytes(), want) {
				return fmt.Errorf("proxy: 200 without the upstream's answer: %.300s", buf.Bytes())
			}
			return nil
		})
	})
}

// benchUpstream serves a small JSON on a loopback port until the run ends and returns its URL.
func benchUpstream(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`{"data":{"name":"Item 1","source":"upstream"}}`)
	}}
	go srv.Serve(ln) //nolint:errcheck // returns on Shutdown
	b.Cleanup(func() { srv.Shutdown() })
	return "http://" + ln.Addr().String()
}
