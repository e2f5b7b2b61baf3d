package routes_test

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"oauthd/config"
	"oauthd/core"
	"oauthd/models"
)

// Flat cost with size: the bearer check and client_credentials with 1M live tokens in the
// table, to compare with the same benchmarks at 10k. Seeding a million rows takes a while
// (logged), so these run only with OAUTHD_BENCH_SCALE=1:
//
//	OAUTHD_BENCH_SCALE=1 go test -run '^$' -bench 'Scale' -benchtime=3s ./routes/

func BenchmarkScale10k(b *testing.B)        { benchScale(b, "sqlite", 10_000) }
func BenchmarkScale1M(b *testing.B)         { benchScale(b, "sqlite", 1_000_000) }
func BenchmarkMariaDBScale10k(b *testing.B) { benchScale(b, "mysql", 10_000) }
func BenchmarkMariaDBScale1M(b *testing.B)  { benchScale(b, "mysql", 1_000_000) }

// benchScale seeds once, then measures both operations as sub-benchmarks (which the testing
// package ramps up, while this function runs once).
func benchScale(b *testing.B, driver string, rows int) {
	if os.Getenv("OAUTHD_BENCH_SCALE") != "1" {
		b.Skip("seeds up to 1M rows: set OAUTHD_BENCH_SCALE=1")
	}
	e := newBenchEnv(b, driver, func(cfg *config.Config) { cfg.OAuth.BearerCacheTTL = 0 })
	c, secret := e.client(b, false)
	began := time.Now()
	seedTokens(b, e.store, c, e.user.ID, rows)
	b.Logf("seeded %d live tokens into %s in %v", rows, driver, time.Since(began).Round(time.Second))
	token := e.accessToken(b, c)
	b.Run("Bearer", func(b *testing.B) {
		e.timed(b, func() {
			parallel(b, func(buf *bytes.Buffer) error { return get(e.http, e.base+pathLoggedUser, token, buf) })
		})
	})
	form := "grant_type=client_credentials&client_id=" + url.QueryEscape(c.ID) +
		"&client_secret=" + url.QueryEscape(secret)
	b.Run("ClientCredentials", func(b *testing.B) {
		e.timed(b, func() {
			parallel(b, func(buf *bytes.Buffer) error {
				if err := postForm(e.http, e.base+pathFrappeToken, form, buf); err != nil {
					return err
				}
				return wantToken(buf)
			})
		})
	})
}

// seedTokens inserts n live access tokens with random digests, in multi-row INSERTs of 1,000
// inside transactions of 50,000.
func seedTokens(b *testing.B, s *models.Store, c *models.Client, userID uint, n int) {
	b.Helper()
	const perInsert, perTx = 1000, 50_000
	expires := time.Now().Add(24 * time.Hour).Unix()
	for done := 0; done < n; {
		err := s.DB().Transaction(func(tx *gorm.DB) error {
			for end := min(done+perTx, n); done < end; {
				k := min(perInsert, end-done)
				var sb strings.Builder
				args := make([]any, 0, k*3)
				sb.WriteString("INSERT INTO tokens (id, kind, grant_id, client_id, user_id, scope, issued_at, expires_at, revoked_at, rotated_at) VALUES ")
				for i := range k {
					if i > 0 {
						sb.WriteByte(',')
					}
					sb.WriteString("(?, 'access', ?, ?, " + strconv.FormatUint(uint64(userID), 10) + ", 'all', 0, " +
						strconv.FormatInt(expires, 10) + ", 0, 0)")
					args = append(args, core.Digest(fmt.Sprint(done+i, randomHex(4))), randomHex(32), c.ID)
				}
				if err := tx.Exec(sb.String(), args...).Error; err != nil {
					return err
				}
				done += k
			}
			return nil
		})
		if err != nil {
			b.Fatalf("seed tokens: %v", err)
		}
	}
}
