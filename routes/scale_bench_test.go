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
	"oauthd/store"
)

// Flat cost with size: the bearer check and client_credentials with 10k and with 1M live
// tokens in the table. Both tables are seeded first (on their own databases), then the four
// measurements alternate for OAUTHD_BENCH_SCALE_ROUNDS rounds (default 3), so that the 10k and
// 1M rows of a round run minutes apart at most, not a seeding apart, on a host whose load moves.
// Seeding a million rows takes a while (logged), so these run only with OAUTHD_BENCH_SCALE=1:
//
//	OAUTHD_BENCH_SCALE=1 go test -run '^$' -bench 'Scale' -benchtime=3s -timeout 2h ./routes/

func BenchmarkScale(b *testing.B)        { benchScale(b, "sqlite") }
func BenchmarkMariaDBScale(b *testing.B) { benchScale(b, "mysql") }

// scaleSizes are the table sizes compared, by sub-benchmark name.
var scaleSizes = []struct {
	name string
	rows int
}{{"10k", 10_000}, {"1M", 1_000_000}}

// benchScale seeds once per size, then measures (the testing package ramps the
// sub-benchmarks up, while this function runs once).
func benchScale(b *testing.B, driver string) {
	if os.Getenv("OAUTHD_BENCH_SCALE") != "1" {
		b.Skip("seeds up to 1M rows: set OAUTHD_BENCH_SCALE=1")
	}
	rounds := 3
	if n, err := strconv.Atoi(os.Getenv("OAUTHD_BENCH_SCALE_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	ops := make([][2]func(*testing.B), len(scaleSizes))
	for i, size := range scaleSizes {
		ops[i] = scaleOps(b, driver, size.rows)
	}
	for range rounds {
		for op, name := range []string{"Bearer", "ClientCredentials"} {
			for i, size := range scaleSizes {
				b.Run(size.name+"/"+name, ops[i][op])
			}
		}
	}
}

// scaleOps seeds a table of rows live tokens and returns the two measurements on it.
func scaleOps(b *testing.B, driver string, rows int) [2]func(*testing.B) {
	e := newBenchEnv(b, driver, func(cfg *config.Config) { cfg.OAuth.BearerCacheTTL = 0 })
	c, secret := e.client(b, false)
	began := time.Now()
	seedTokens(b, e.st, c, e.user.ID, rows)
	b.Logf("seeded %d live tokens into %s in %v", rows, driver, time.Since(began).Round(time.Second))
	token := e.accessToken(b, c)
	bearer := func(b *testing.B) {
		e.timed(b, func() {
			parallel(b, func(buf *bytes.Buffer) error { return get(e.http, e.base+pathLoggedUser, token, buf) })
		})
	}
	form := "grant_type=client_credentials&client_id=" + url.QueryEscape(c.ID) +
		"&client_secret=" + url.QueryEscape(secret)
	clientCredentials := func(b *testing.B) {
		e.timed(b, func() {
			parallel(b, func(buf *bytes.Buffer) error {
				if err := postForm(e.http, e.base+pathFrappeToken, form, buf); err != nil {
					return err
				}
				return wantToken(buf)
			})
		})
	}
	return [2]func(*testing.B){bearer, clientCredentials}
}

// seedTokens inserts n live access tokens with random digests, in multi-row INSERTs of 1,000
// inside transactions of 50,000.
func seedTokens(b *testing.B, s *store.Store, c *models.Client, userID uint, n int) {
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
