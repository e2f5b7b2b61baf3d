package routes_test

// End-to-end benchmarks of the hot endpoints, each over real HTTP on a loopback listener
// against the whole app (routes.New, every middleware) on a real database.
//
// Method: b.RunParallel with SetParallelism(4) (BENCH_PARALLELISM overrides), i.e.
// 4*GOMAXPROCS goroutines, each a keep-alive net/http client sharing one Transport. The client
// runs in this process and shares the cores with the server, as wrk does in scripts/load.sh, so
// ns/op is wall time / requests (inverse throughput) and includes the client's cost; the
// baselines carry the same client, so compare each row with its baseline (scripts/bench.sh
// prints the ratios). Reported per op besides ns/op and allocs (client's included):
//   - cpu-us/op: process CPU time (user+system, client and server) per request;
//   - queries/op: SQL statements GORM sent inside the timed region;
//   - tx/op: transactions, each adding BEGIN and COMMIT to the statements;
//   - db-cpu-us/op (MariaDB and PostgreSQL rows): CPU time of the local database server's
//     processes per request.
//
//	go test -run '^$' -bench . -benchmem ./routes/
//	scripts/bench.sh

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/config"
)

// BenchmarkBaselineFiberJSON is a bare Fiber app answering GET with a small JSON.
func BenchmarkBaselineFiberJSON(b *testing.B) { benchBareJSON(b) }

// benchBareJSON serves and measures the bare app of the GET baselines.
func benchBareJSON(b *testing.B) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/json", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"message": benchEmail})
	})
	base, client := benchServe(b, app)
	url := base + "/json"
	timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error { return get(client, url, "", buf) })
	})
}

// BenchmarkBaselineFiberJSONBesideApp is the same bare app served by a process that also holds
// oauthd's engine, database pools and app, as /healthz's process does. The garbage collector
// then marks a larger heap, and every request's garbage pays for it (with GOGC=off this row
// costs what the baseline does): /healthz is at its floor when it matches this row.
func BenchmarkBaselineFiberJSONBesideApp(b *testing.B) {
	newBenchEnv(b, "sqlite")
	benchBareJSON(b)
}

// baselineTokenJSON is exactly 60 bytes, the size class of a small token response.
var baselineTokenJSON = []byte(`{"access_token":"0123456789abcdef0123456789","expires_in":1}`)

// BenchmarkBaselineFiberPOSTForm is a bare Fiber app parsing a 3-field form and answering
// with 60 bytes of JSON.
func BenchmarkBaselineFiberPOSTForm(b *testing.B) {
	if len(baselineTokenJSON) != 60 {
		b.Fatalf("baseline body is %d bytes, want 60", len(baselineTokenJSON))
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Post("/token", func(c *fiber.Ctx) error {
		if c.FormValue("grant_type") == "" || c.FormValue("client_id") == "" || c.FormValue("client_secret") == "" {
			return c.SendStatus(fiber.StatusBadRequest)
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(baselineTokenJSON)
	})
	base, client := benchServe(b, app)
	url := base + "/token"
	form := "grant_type=client_credentials&client_id=abcdefghijklmnopqrst&client_secret=" +
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
	timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error { return postForm(client, url, form, buf) })
	})
}

// BenchmarkAppHealthz is GET /healthz on the full app: every middleware plus a database ping.
func BenchmarkAppHealthz(b *testing.B) {
	e := newBenchEnv(b, "sqlite")
	url := e.base + "/healthz"
	e.timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error { return get(e.http, url, "", buf) })
	})
}

// BenchmarkFloorBearer is the floor of a bearer check on SQLite (see floor_bench_test.go).
func BenchmarkFloorBearer(b *testing.B) { benchFloor(b, "sqlite") }

// BenchmarkBearerGetLoggedUser is GET get_logged_user with a bearer token (SQLite).
func BenchmarkBearerGetLoggedUser(b *testing.B) { benchBearer(b, "sqlite", 0) }

// BenchmarkBearerGetLoggedUserCached is the same with the bearer cache as configured by
// default (oauth.bearer_cache_ttl = 30s): no query once the token is cached.
func BenchmarkBearerGetLoggedUserCached(b *testing.B) { benchBearer(b, "sqlite", 30*time.Second) }

// BenchmarkIntrospectClient is RFC 7662 introspection (Frappe introspect_token) of an access
// token by its own client, authenticated with client_secret_post (SQLite, cache off): compare
// with BenchmarkBearerGetLoggedUser (scripts/bench.sh's "bearer" column).
func BenchmarkIntrospectClient(b *testing.B) { benchIntrospect(b, "sqlite", 0, true) }

// BenchmarkIntrospectHeld is introspection by whoever holds the token: the request carries
// the token alone (oauth.introspection_auth = "possession", the default).
func BenchmarkIntrospectHeld(b *testing.B) { benchIntrospect(b, "sqlite", 0, false) }

// BenchmarkIntrospectClientCached is BenchmarkIntrospectClient with the bearer cache on as by
// default: compare with BenchmarkBearerGetLoggedUserCached.
func BenchmarkIntrospectClientCached(b *testing.B) {
	benchIntrospect(b, "sqlite", 30*time.Second, true)
}

// BenchmarkIntrospectHeldCached is BenchmarkIntrospectHeld with the bearer cache on.
func BenchmarkIntrospectHeldCached(b *testing.B) { benchIntrospect(b, "sqlite", 30*time.Second, false) }

// BenchmarkMariaDBFloorBearer is the floor on MariaDB.
func BenchmarkMariaDBFloorBearer(b *testing.B) { benchFloor(b, "mysql") }

// BenchmarkMariaDBBearerGetLoggedUser is the same on MariaDB (skipped when unreachable).
func BenchmarkMariaDBBearerGetLoggedUser(b *testing.B) { benchBearer(b, "mysql", 0) }

// BenchmarkMariaDBIntrospectClient is BenchmarkIntrospectClient on MariaDB.
func BenchmarkMariaDBIntrospectClient(b *testing.B) { benchIntrospect(b, "mysql", 0, true) }

// BenchmarkMariaDBIntrospectHeld is BenchmarkIntrospectHeld on MariaDB.
func BenchmarkMariaDBIntrospectHeld(b *testing.B) { benchIntrospect(b, "mysql", 0, false) }

// BenchmarkBearerGetLoggedUserMisspelt is BenchmarkBearerGetLoggedUser with the token in
// the seed documents' misspelt Authorizaton header: each request is a use of the quirk
// authorizaton_header, decided from memory and counted in the ledger.
func BenchmarkBearerGetLoggedUserMisspelt(b *testing.B) {
	benchBearerHeader(b, "sqlite", 0, "Authorizaton")
}

// BenchmarkPostgresFloorBearer is the floor on PostgreSQL.
func BenchmarkPostgresFloorBearer(b *testing.B) { benchFloor(b, "postgres") }

// BenchmarkPostgresBearerGetLoggedUser is the bearer check on PostgreSQL (skipped when
// unreachable).
func BenchmarkPostgresBearerGetLoggedUser(b *testing.B) { benchBearer(b, "postgres", 0) }

func benchBearer(b *testing.B, driver string, cacheTTL time.Duration) {
	benchBearerHeader(b, driver, cacheTTL, "Authorization")
}

func benchBearerHeader(b *testing.B, driver string, cacheTTL time.Duration, header string) {
	e := newBenchEnv(b, driver, func(cfg *config.Config) { cfg.OAuth.BearerCacheTTL = cacheTTL })
	c, _ := e.client(b, false)
	token := e.accessToken(b, c)
	url := e.base + pathLoggedUser
	want := []byte(benchEmail)
	e.timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error {
			if err := getWith(e.http, url, header, token, buf); err != nil {
				return err
			}
			if !bytes.Contains(buf.Bytes(), want) {
				return fmt.Errorf("get_logged_user: 200 without the email: %.300s", buf.Bytes())
			}
			return nil
		})
	})
}

// benchIntrospect posts an access token of the bench client to introspect_token, with the
// client's credentials (byClient) or alone, and checks that the answer says it is active.
func benchIntrospect(b *testing.B, driver string, cacheTTL time.Duration, byClient bool) {
	e := newBenchEnv(b, driver, func(cfg *config.Config) { cfg.OAuth.BearerCacheTTL = cacheTTL })
	c, secret := e.client(b, false)
	form := "token=" + url.QueryEscape(e.accessToken(b, c))
	if byClient {
		form += "&client_id=" + url.QueryEscape(c.ID) + "&client_secret=" + url.QueryEscape(secret)
	}
	target := e.base + pathIntrospect
	want := []byte(`"active":true`)
	e.timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error {
			if err := postForm(e.http, target, form, buf); err != nil {
				return err
			}
			if !bytes.Contains(buf.Bytes(), want) {
				return fmt.Errorf("introspect: 200 without active true: %.300s", buf.Bytes())
			}
			return nil
		})
	})
}

// BenchmarkTokenAuthorizationCode exchanges pre-minted codes (Frappe get_token).
func BenchmarkTokenAuthorizationCode(b *testing.B) {
	e := newBenchEnv(b, "sqlite")
	c, secret := e.client(b, false)
	codes := e.codes(b, c, b.N) // minted before the timer starts
	prefix := "grant_type=authorization_code&redirect_uri=" + url.QueryEscape(benchRedirect) +
		"&client_id=" + url.QueryEscape(c.ID) + "&client_secret=" + url.QueryEscape(secret) + "&code="
	target := e.base + pathFrappeToken
	var next atomic.Int64
	e.timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error {
			code := codes[next.Add(1)-1]
			if err := postForm(e.http, target, prefix+code, buf); err != nil {
				return err
			}
			return wantToken(buf)
		})
	})
}

// BenchmarkTokenRefresh refreshes with a non-rotating client: one refresh token serves every
// iteration (Frappe get_token).
func BenchmarkTokenRefresh(b *testing.B) {
	e := newBenchEnv(b, "sqlite")
	c, secret := e.client(b, false)
	refresh := e.refreshToken(b, c)
	form := refreshForm(c.ID, secret, refresh)
	target := e.base + pathFrappeToken
	e.timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error {
			if err := postForm(e.http, target, form, buf); err != nil {
				return err
			}
			return wantToken(buf)
		})
	})
}

// BenchmarkTokenRefreshRotating refreshes with a rotating client, presenting each time the
// refresh token the previous response returned. Each goroutine follows a grant for
// rotationChainLength rotations, then takes a fresh pre-minted grant.
func BenchmarkTokenRefreshRotating(b *testing.B) { benchRotating(b, 0) }

// BenchmarkTokenRefreshRotatingAgedGrant is the same on grants that already went through 720
// rotations (hourly refreshes over the default 30-day refresh_ttl): 1,440 earlier token rows.
func BenchmarkTokenRefreshRotatingAgedGrant(b *testing.B) { benchRotating(b, 720) }

// rotationChainLength caps how often one grant is rotated in a run: a rotation revokes the
// grant's access tokens with an UPDATE that visits every token row of the grant, so its cost
// grows with the grant's history, and an unbounded chain would make ns/op depend on b.N.
const rotationChainLength = 10

func benchRotating(b *testing.B, age int) {
	e := newBenchEnv(b, "sqlite")
	c, secret := e.client(b, true)
	chains := e.rotationChains(b, c, b.N/rotationChainLength+benchParallelism*runtime.GOMAXPROCS(0)+1, age)
	target := e.base + pathFrappeToken
	var next atomic.Int64
	var f failure
	e.timed(b, func() {
		b.SetParallelism(benchParallelism)
		b.RunParallel(func(pb *testing.PB) {
			var refresh string
			left := 0
			var buf bytes.Buffer
			var resp struct {
				RefreshToken string `json:"refresh_token"`
			}
			for pb.Next() {
				if f.failed() {
					continue
				}
				if left == 0 {
					refresh, left = chains[next.Add(1)-1], rotationChainLength
				}
				if err := postForm(e.http, target, refreshForm(c.ID, secret, refresh), &buf); err != nil {
					f.set(err)
					continue
				}
				resp.RefreshToken = ""
				if err := json.Unmarshal(buf.Bytes(), &resp); err != nil || resp.RefreshToken == "" || resp.RefreshToken == refresh {
					f.set(fmt.Errorf("rotating refresh: no new refresh_token (%v): %.300s", err, buf.Bytes()))
					continue
				}
				refresh = resp.RefreshToken
				left--
			}
		})
	})
	f.check(b)
}

func refreshForm(clientID, secret, refresh string) string {
	return "grant_type=refresh_token&client_id=" + url.QueryEscape(clientID) +
		"&client_secret=" + url.QueryEscape(secret) + "&refresh_token=" + url.QueryEscape(refresh)
}

// BenchmarkTokenClientCredentials is client_credentials on Frappe get_token (SQLite).
func BenchmarkTokenClientCredentials(b *testing.B) {
	benchClientCredentials(b, "sqlite", pathFrappeToken)
}

// BenchmarkOdooClientCredentials is client_credentials on the Odoo access_token endpoint.
func BenchmarkOdooClientCredentials(b *testing.B) { benchClientCredentials(b, "sqlite", pathOdooToken) }

// BenchmarkMariaDBTokenClientCredentials is Frappe client_credentials on MariaDB.
func BenchmarkMariaDBTokenClientCredentials(b *testing.B) {
	benchClientCredentials(b, "mysql", pathFrappeToken)
}

// BenchmarkPostgresTokenClientCredentials is Frappe client_credentials on PostgreSQL.
func BenchmarkPostgresTokenClientCredentials(b *testing.B) {
	benchClientCredentials(b, "postgres", pathFrappeToken)
}

func benchClientCredentials(b *testing.B, driver, path string) {
	e := newBenchEnv(b, driver)
	c, secret := e.client(b, false)
	form := "grant_type=client_credentials&client_id=" + url.QueryEscape(c.ID) +
		"&client_secret=" + url.QueryEscape(secret)
	target := e.base + path
	e.timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error {
			if err := postForm(e.http, target, form, buf); err != nil {
				return err
			}
			return wantToken(buf)
		})
	})
}

// BenchmarkBearerForwardAuthVerify is GET /oauth2/verify?scope=all, the sub-request nginx's
// auth_request sends before each API call: one bearer check, like get_logged_user (SQLite).
func BenchmarkBearerForwardAuthVerify(b *testing.B) { benchVerify(b, "sqlite") }

// BenchmarkMariaDBBearerForwardAuthVerify is the same on MariaDB (skipped when unreachable).
func BenchmarkMariaDBBearerForwardAuthVerify(b *testing.B) { benchVerify(b, "mysql") }

func benchVerify(b *testing.B, driver string) {
	e := newBenchEnv(b, driver)
	c, _ := e.client(b, false)
	token := e.accessToken(b, c)
	url := e.base + "/oauth2/verify?scope=all"
	want := []byte(benchEmail)
	e.timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error {
			if err := get(e.http, url, token, buf); err != nil {
				return err
			}
			if !bytes.Contains(buf.Bytes(), want) {
				return fmt.Errorf("verify: 200 without the email: %.300s", buf.Bytes())
			}
			return nil
		})
	})
}
