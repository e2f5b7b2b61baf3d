package routes_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"

	"oauthd/config"
	"oauthd/core"
)

// The CORS check's cost: GET metadata without Origin (no check), from an origin listed in
// cors.allowed_origins (a slice lookup), and from an origin registered on a client (one
// primary-key read per request). Compare the three in one run.
func BenchmarkCORSMetadataNoOrigin(b *testing.B) { benchCORS(b, "") }

func BenchmarkCORSMetadataConfigOrigin(b *testing.B) { benchCORS(b, "https://config.example") }

func BenchmarkCORSMetadataClientOrigin(b *testing.B) { benchCORS(b, "https://client.example") }

func benchCORS(b *testing.B, origin string) {
	e := newBenchEnv(b, "sqlite", func(cfg *config.Config) {
		cfg.CORS.AllowedOrigins = []string{"https://config.example"}
	})
	if _, _, err := e.eng.CreateClient(context.Background(), core.NewClient{Name: "SPA",
		RedirectURIs: []string{benchRedirect}, AuthMethods: []string{core.AuthNone},
		CORSOrigins: []string{"https://client.example"}}); err != nil {
		b.Fatal(err)
	}
	url := e.base + "/.well-known/openid-configuration"
	e.timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error {
			req, err := http.NewRequest(http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			if origin != "" {
				req.Header.Set("Origin", origin)
			}
			resp, err := e.http.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			buf.Reset()
			if _, err := buf.ReadFrom(resp.Body); err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != origin {
				return fmt.Errorf("metadata from %q: %d, Allow-Origin %q", origin, resp.StatusCode,
					resp.Header.Get("Access-Control-Allow-Origin"))
			}
			return nil
		})
	})
}
