package routes_test

// Helpers for bench_test.go: a real server on a loopback listener, a keep-alive HTTP client,
// a real database (SQLite file in WAL mode, or a throw-away MariaDB or PostgreSQL database) and
// a GORM statement counter. Every benchmark run (the testing package calls a benchmark function
// several times with growing b.N) builds its own environment and tears it down in Cleanup.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"oauthd/adapters"
	"oauthd/cli"
	"oauthd/config"
	"oauthd/core"
	"oauthd/models"
	"oauthd/routes"
	"oauthd/store"
	"oauthd/store/testdb"
)

// benchParallelism is RunParallel's goroutines per GOMAXPROCS: 4, i.e. 8 concurrent clients on
// 2 cores. BENCH_PARALLELISM overrides it (1 with -cpu 1 gives one sequential client).
var benchParallelism = func() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_PARALLELISM")); err == nil && n > 0 {
		return n
	}
	return 4
}()

const (
	benchEmail    = "bench@example.com"
	benchPassword = "bench-password"
	benchRedirect = "http://127.0.0.1:9000/callback"

	pathLoggedUser  = "/api/method/frappe.auth.get_logged_user"
	pathFrappeToken = "/api/method/frappe.integrations.oauth2.get_token"
	pathOdooToken   = "/restapi/1.0/common/oauth2/access_token"
	pathIntrospect  = "/api/method/frappe.integrations.oauth2.introspect_token"
)

// benchClient is a keep-alive HTTP client with enough idle connections for every goroutine.
func benchClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0,
		IdleConnTimeout: time.Minute, DisableCompression: true,
	}}
}

// benchServe serves app on 127.0.0.1:0 until the run ends and returns its base URL and client.
func benchServe(b *testing.B, app *fiber.App) (string, *http.Client) {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go app.Listener(ln) //nolint:errcheck // returns on Shutdown
	client := benchClient()
	b.Cleanup(func() {
		client.CloseIdleConnections()
		app.ShutdownWithTimeout(5 * time.Second) //nolint:errcheck
	})
	return "http://" + ln.Addr().String(), client
}

// queryCounter counts the SQL statements GORM sends while on, and the distinct transactions
// they ran in (BEGIN and COMMIT are not GORM statements: round-trips = queries + 2*tx).
type queryCounter struct {
	on      atomic.Bool
	queries atomic.Int64
	txs     atomic.Int64
	mu      sync.Mutex
	recent  [64]gorm.ConnPool // transactions seen lately; held, so their addresses are not reused
	next    int
}

func (q *queryCounter) hook(db *gorm.DB) {
	if !q.on.Load() || db.DryRun || db.Statement.SQL.Len() == 0 {
		return
	}
	q.queries.Add(1)
	if _, inTx := db.Statement.ConnPool.(gorm.TxCommitter); inTx {
		q.seeTx(db.Statement.ConnPool)
	}
}

func (q *queryCounter) seeTx(tx gorm.ConnPool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, seen := range q.recent {
		if seen == tx {
			return
		}
	}
	q.recent[q.next] = tx
	q.next = (q.next + 1) % len(q.recent)
	q.txs.Add(1)
}

// install registers the counter after every GORM statement-executing callback.
func (q *queryCounter) install(b *testing.B, db *gorm.DB) {
	b.Helper()
	cb := db.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("bench:count", q.hook),
		cb.Query().After("gorm:query").Register("bench:count", q.hook),
		cb.Update().After("gorm:update").Register("bench:count", q.hook),
		cb.Delete().After("gorm:delete").Register("bench:count", q.hook),
		cb.Row().After("gorm:row").Register("bench:count", q.hook),
		cb.Raw().After("gorm:raw").Register("bench:count", q.hook),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}
}

// benchEnv is the whole oauthd app over a real database, plus what the benchmarks need.
type benchEnv struct {
	cfg     *config.Config
	st      *store.Store
	eng     *core.Engine
	base    string
	http    *http.Client
	counter queryCounter
	user    *models.User
	dbProcs dbProcs // the database server's processes, for db-cpu-us/op; none on SQLite
}

// dbProcs picks the database server's processes on this machine: those named one of names and,
// when title is set, whose command line holds it (PostgreSQL titles each connection's process
// with its database, so other databases' work on a shared server is left out).
type dbProcs struct {
	names []string
	title string
}

// newBenchEnv builds the app as cli.serve does, on a fresh SQLite file in b.TempDir()
// (driver "sqlite") or a fresh MariaDB (driver "mysql") or PostgreSQL (driver "postgres") database.
func newBenchEnv(b *testing.B, driver string, tune ...func(*config.Config)) *benchEnv {
	b.Helper()
	// Defaults plus OAUTHD_* variables (routes/ has no config.toml), as the server would load them.
	cfg, err := config.Load("")
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range tune {
		t(cfg)
	}
	cfg.OAuth.BcryptCost = 4
	cfg.Login.MaxFailures = 1 << 20
	cfg.Database.Driver = driver
	switch driver {
	case "sqlite":
		cfg.Database.DSN = filepath.Join(b.TempDir(), "oauthd.db")
	case "mysql", "postgres":
		cfg.Database.DSN = testdb.Database(b, driver) // skipped when the server is unreachable
	default:
		b.Fatalf("unknown driver %q", driver)
	}
	st, err := store.Open(cfg.Database.Driver, cfg.Database.DSN, cli.StoreOptions(cfg.Database))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	e := &benchEnv{cfg: cfg, st: st}
	switch driver {
	case "mysql":
		e.dbProcs = dbProcs{names: []string{"mariadbd", "mysqld"}}
	case "postgres":
		e.dbProcs = dbProcs{names: []string{"postgres"}, title: " " + strings.TrimPrefix(dbPath(cfg.Database.DSN), "/") + " "}
	}
	for _, h := range st.Handles() {
		e.counter.install(b, h)
	}
	opt := cli.EngineOptions(cfg)
	opt.OIDC.Sealer, _ = core.NewSealer("benchmark key encryption secret, 32+ characters")
	if e.eng, err = core.New(st, opt); err != nil {
		b.Fatal(err)
	}
	if err := e.eng.EnsureSigningKey(ctx); err != nil { // code exchanges for openid sign an id_token
		b.Fatal(err)
	}
	e.user, err = e.eng.CreateUser(ctx, core.NewUser{Email: benchEmail, Password: benchPassword,
		FullName: "Bench User", Roles: []string{"System Manager"}})
	if err != nil {
		b.Fatal(err)
	}
	ledger, stopLedger := context.WithCancel(ctx) // counting quirks as the server does
	stopped := make(chan struct{})
	go func() { defer close(stopped); e.eng.RunQuirkLedger(ledger, core.QuirkFlushInterval) }()
	b.Cleanup(func() { stopLedger(); <-stopped }) // before the store closes
	e.base, e.http = benchServe(b, routes.New(adapters.Deps{Engine: e.eng, Config: cfg}))
	return e
}

// dbPath is the path of a URL DSN: PostgreSQL's "/database".
func dbPath(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return ""
	}
	return u.Path
}

func randomHex(n int) string {
	buf := make([]byte, n)
	rand.Read(buf)
	return hex.EncodeToString(buf)
}

// client registers a confidential client_secret_post client owned by the bench user with every
// grant, and returns it with its secret.
func (e *benchEnv) client(b *testing.B, rotation bool) (*models.Client, string) {
	b.Helper()
	c, secret, err := e.eng.CreateClient(context.Background(), core.NewClient{
		Name: "Bench App", RedirectURIs: []string{benchRedirect}, AuthMethods: []string{core.AuthPost},
		OwnerEmail: benchEmail, RefreshRotation: new(rotation),
		GrantTypes: []string{core.GrantAuthorizationCode, core.GrantRefreshToken, core.GrantClientCredentials}})
	if err != nil {
		b.Fatal(err)
	}
	return c, secret
}

// codes pre-mints n authorization codes through the engine (Authorize once, Approve n times).
func (e *benchEnv) codes(b *testing.B, c *models.Client, n int) []string {
	b.Helper()
	ctx := context.Background()
	a, err := e.eng.Authorize(ctx, core.AuthorizeRequest{ClientID: c.ID, RedirectURI: benchRedirect,
		ResponseType: "code", Scope: "all openid"})
	if err != nil {
		b.Fatal(err)
	}
	out := make([]string, n)
	for i := range out {
		if out[i], err = e.eng.Approve(ctx, a, e.user); err != nil {
			b.Fatal(err)
		}
	}
	return out
}

// refreshToken runs a whole authorization-code grant through the engine and returns the
// refresh token it issued.
func (e *benchEnv) refreshToken(b *testing.B, c *models.Client) string {
	b.Helper()
	code := e.codes(b, c, 1)[0]
	res, err := e.eng.ExchangeCode(context.Background(), core.CodeExchange{Client: c, Code: code,
		RedirectURI: benchRedirect, AccessTTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	if res.RefreshToken == "" {
		b.Fatal("code exchange issued no refresh token")
	}
	return res.RefreshToken
}

// rotationChains mints n grants through the engine and returns their refresh tokens. With
// age > 0, each grant first gets the rows of age earlier rotations (a revoked access token and
// a rotated refresh token each), written directly.
func (e *benchEnv) rotationChains(b *testing.B, c *models.Client, n, age int) []string {
	b.Helper()
	ctx := context.Background()
	out := make([]string, n)
	for i := range out {
		out[i] = e.refreshToken(b, c)
		if age == 0 {
			continue
		}
		t, err := e.st.TokenByID(ctx, core.Digest(out[i]))
		if err != nil {
			b.Fatal(err)
		}
		past := time.Now().Add(-time.Hour).Unix()
		rows := make([]*models.Token, 0, 2*age)
		for j := 0; j < age; j++ {
			for _, kind := range []string{models.KindAccess, models.KindRefresh} {
				row := &models.Token{ID: core.Digest(core.NewToken()), Kind: kind, GrantID: t.GrantID,
					ClientID: t.ClientID, UserID: t.UserID, Scope: t.Scope, IssuedAt: past, RevokedAt: past}
				if kind == models.KindRefresh {
					row.RotatedAt = past
				}
				rows = append(rows, row)
			}
		}
		if err := e.st.DB().Transaction(func(tx *gorm.DB) error {
			return tx.CreateInBatches(rows, 200).Error
		}); err != nil {
			b.Fatal(err)
		}
	}
	return out
}

// accessToken issues an access token for the client's owner through the engine.
func (e *benchEnv) accessToken(b *testing.B, c *models.Client) string {
	b.Helper()
	res, err := e.eng.ClientCredentials(context.Background(), core.ClientCredentialsRequest{
		Client: c, AccessTTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	return res.AccessToken
}

// timed runs the measured region: the counter is on only while the timer runs, and
// queries/op, tx/op and cpu-us/op are reported.
func (e *benchEnv) timed(b *testing.B, run func()) { timedDB(b, &e.counter, e.dbProcs, run) }

// timed runs the measured region and reports cpu-us/op (process CPU: client and server).
func timed(b *testing.B, run func()) { timedDB(b, nil, dbProcs{}, run) }

// timedDB is timed that also reports queries/op and tx/op from q unless it is nil, and
// db-cpu-us/op (the CPU of the database server's processes procs) unless procs names none.
func timedDB(b *testing.B, q *queryCounter, procs dbProcs, run func()) {
	b.Helper()
	b.ReportAllocs()
	if q != nil {
		q.queries.Store(0)
		q.txs.Store(0)
		q.on.Store(true)
	}
	dbCPU := procs.cpu()
	cpu := processCPU()
	b.ResetTimer()
	run()
	b.StopTimer()
	cpu = processCPU() - cpu
	dbCPU = procs.cpu() - dbCPU
	if q != nil {
		q.on.Store(false)
		b.ReportMetric(float64(q.queries.Load())/float64(b.N), "queries/op")
		b.ReportMetric(float64(q.txs.Load())/float64(b.N), "tx/op")
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/op")
	if len(procs.names) != 0 {
		b.ReportMetric(float64(dbCPU.Microseconds())/float64(b.N), "db-cpu-us/op")
	}
}

// cpu is the user+system CPU time of the processes p picks, from /proc (10 ms resolution):
// MariaDB's one server process, or PostgreSQL's process per connection to the database (the
// connections the run opens count from their start, so a difference of two readings is the
// run's database CPU), or 0 when p names none.
func (p dbProcs) cpu() time.Duration {
	if len(p.names) == 0 {
		return 0
	}
	var total time.Duration
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		if _, err := strconv.Atoi(d.Name()); err != nil {
			continue
		}
		comm, err := os.ReadFile("/proc/" + d.Name() + "/comm")
		if err != nil || !slices.Contains(p.names, strings.TrimSpace(string(comm))) {
			continue
		}
		if title, _ := os.ReadFile("/proc/" + d.Name() + "/cmdline"); !strings.Contains(string(title), p.title) {
			continue
		}
		total += statCPU("/proc/" + d.Name() + "/stat")
	}
	return total
}

// statCPU reads utime + stime from a /proc/<pid>/stat file, 0 when unreadable.
func statCPU(path string) time.Duration {
	stat, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	_, rest, _ := strings.Cut(string(stat), ") ")
	f := strings.Fields(rest) // f[0] is field 3 (state); utime and stime are fields 14 and 15
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * (time.Second / 100) // USER_HZ is 100 on Linux
}

// processCPU is the user+system CPU time this process has used (client and server together).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// failure remembers the first error of a parallel run; the goroutines stop working once one
// is recorded, and the benchmark fails after RunParallel returns.
type failure struct {
	once sync.Once
	err  atomic.Pointer[error]
}

func (f *failure) set(err error) { f.once.Do(func() { f.err.Store(&err) }) }
func (f *failure) failed() bool  { return f.err.Load() != nil }
func (f *failure) check(b *testing.B) {
	b.Helper()
	if p := f.err.Load(); p != nil {
		b.Fatal(*p)
	}
}

// parallel runs op b.N times over RunParallel; op gets the goroutine's reusable body buffer.
func parallel(b *testing.B, op func(buf *bytes.Buffer) error) {
	b.Helper()
	var f failure
	b.SetParallelism(benchParallelism)
	b.RunParallel(func(pb *testing.PB) {
		var buf bytes.Buffer
		for pb.Next() {
			if f.failed() {
				continue // drain b.N quickly; the benchmark fails below
			}
			if err := op(&buf); err != nil {
				f.set(err)
			}
		}
	})
	f.check(b)
}

// do sends req, reads the whole body into buf and fails on any status but 200.
func do(client *http.Client, req *http.Request, buf *bytes.Buffer) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: status %d: %.300s", req.Method, req.URL.Path, resp.StatusCode, buf.Bytes())
	}
	return nil
}

func get(client *http.Client, url, bearer string, buf *bytes.Buffer) error {
	return getWith(client, url, "Authorization", bearer, buf)
}

// getWith sends the bearer token in the named header.
func getWith(client *http.Client, url, header, bearer string, buf *bytes.Buffer) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if bearer != "" {
		req.Header[header] = []string{"Bearer " + bearer}
	}
	return do(client, req, buf)
}

func postForm(client *http.Client, url, form string, buf *bytes.Buffer) error {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(form))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(client, req, buf)
}

// wantToken checks that a token response carries an access token.
func wantToken(buf *bytes.Buffer) error {
	if !bytes.Contains(buf.Bytes(), []byte(`"access_token"`)) {
		return fmt.Errorf("200 without access_token: %.300s", buf.Bytes())
	}
	return nil
}
