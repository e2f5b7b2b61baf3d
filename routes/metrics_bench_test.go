package routes_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"oauthd/adapters"
	"oauthd/cli"
	"oauthd/config"
	"oauthd/core"
	"oauthd/metrics"
	"oauthd/routes"
)

// BenchmarkBearerGetLoggedUserCachedMetrics is BenchmarkBearerGetLoggedUserCached with
// Prometheus metrics on (request counter and histogram, bearer cache counter); compare the
// two rows: the issue allows 5%.
func BenchmarkBearerGetLoggedUserCachedMetrics(b *testing.B) {
	e := newBenchEnv(b, "sqlite", func(cfg *config.Config) { cfg.OAuth.BearerCacheTTL = 5 * time.Second })
	m := metrics.New()
	opt := cli.EngineOptions(e.cfg)
	opt.Observer = m
	eng, err := core.New(e.st, opt)
	if err != nil {
		b.Fatal(err)
	}
	base, hc := benchServe(b, routes.New(adapters.Deps{Engine: eng, Config: e.cfg, Observe: m}))
	c, _ := e.client(b, false)
	token := e.accessToken(b, c)
	url := base + pathLoggedUser
	want := []byte(benchEmail)
	e.timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error {
			if err := get(hc, url, token, buf); err != nil {
				return err
			}
			if !bytes.Contains(buf.Bytes(), want) {
				return fmt.Errorf("get_logged_user: 200 without the email: %.300s", buf.Bytes())
			}
			return nil
		})
	})
}
