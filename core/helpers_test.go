package core

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"testing"
	"time"

	"oauthd/models"
	"oauthd/store"
	"oauthd/store/testdb"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is an engine over a fresh store of one backend, with a movable clock.
type fixture struct {
	t     testing.TB
	store *store.Store
	eng   *Engine
	clock *testClock
}

const (
	password  = "correct horse battery staple"
	accessTTL = time.Hour
	appCB     = "https://app.example/cb"
	appCB2    = "https://app.example/cb2?tenant=7"
)

// testOptions are opt with the fields a test leaves zero set to the tests' values (the
// configuration's, but for a cheap bcrypt cost and ES256 keys), so that each test names only
// what it is about.
func testOptions(opt Options) Options {
	orTest(&opt.CodeTTL, 10*time.Minute)
	orTest(&opt.SkipAuthorization, "force")
	orTest(&opt.PKCEMinVerifierLength, 43)
	orTest(&opt.BcryptCost, 4)
	orTest(&opt.SessionTTL, 168*time.Hour)
	orTest(&opt.MaxSessions, 10)
	orTest(&opt.BearerCacheSize, 1000)
	orTest(&opt.RevocationAuth, TokenAuthPossession)
	orTest(&opt.IntrospectionAuth, TokenAuthPossession)
	orTest(&opt.OIDC.IDTokenAlg, AlgES256) // generated in microseconds, where RSA takes far longer under -race
	orTest(&opt.OIDC.KeyRetention, time.Hour+5*time.Minute)
	l := &opt.LoginLimits
	orTest(&l.MaxAttempts, 60)
	orTest(&l.AttemptWindow, time.Minute)
	orTest(&l.MaxFailures, 5)
	orTest(&l.FailureWindow, 15*time.Minute)
	orTest(&l.MaxBackoff, time.Minute)
	orTest(&l.HashWait, 2*time.Second)
	return opt
}

// orTest sets *v to the test's value when the test left it zero.
func orTest[T comparable](v *T, value T) {
	var zero T
	if *v == zero {
		*v = value
	}
}

// newEngine is New with testOptions; the options must be valid.
func newEngine(t testing.TB, st *store.Store, opt Options) *Engine {
	t.Helper()
	e, err := New(st, testOptions(opt))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func newFixture(t *testing.T, b testdb.Backend, opt Options) *fixture {
	t.Helper()
	clk := &testClock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	opt.BcryptCost = 4
	opt.Clock = clk.Now
	if opt.OIDC.Sealer == nil {
		opt.OIDC.Sealer, _ = NewSealer("core tests' key encryption secret, 32+ chars")
	}
	s := b.Open(t)
	eng := newEngine(t, s, opt)
	if err := eng.EnsureSigningKey(t.Context()); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, store: s, eng: eng, clock: clk}
}

// onBackends runs fn as a parallel subtest per backend, each with a fresh fixture.
func onBackends(t *testing.T, opt Options, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	for _, b := range testdb.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newFixture(t, b, opt))
		})
	}
}

// engine is another engine over the same store and clock, with other options.
func (f *fixture) engine(opt Options) *Engine {
	opt.BcryptCost = 4
	opt.Clock = f.clock.Now
	if opt.OIDC.Sealer == nil {
		opt.OIDC = f.eng.opt.OIDC // the same signing keys, as every instance on one database has
	}
	return newEngine(f.t, f.store, opt)
}

func (f *fixture) user(t testing.TB, email string) *models.User {
	t.Helper()
	u, err := f.eng.CreateUser(t.Context(), NewUser{Email: email, Password: password, FullName: "Ada Lovelace",
		Roles: []string{"admin", "dev"}})
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

func (f *fixture) disable(t testing.TB, u *models.User) {
	t.Helper()
	if err := f.store.DB().Model(&store.User{}).Where("id = ?", u.ID).Update("enabled", false).Error; err != nil {
		t.Fatalf("disable user: %v", err)
	}
}

func (f *fixture) enable(t testing.TB, u *models.User) {
	t.Helper()
	if err := f.store.DB().Model(&store.User{}).Where("id = ?", u.ID).Update("enabled", true).Error; err != nil {
		t.Fatalf("enable user: %v", err)
	}
}

// client registers a client; unset fields get: name "App", redirect URIs appCB and appCB2,
// client_secret_basic, authorization_code + refresh_token, rotation on.
func (f *fixture) client(t testing.TB, nc NewClient) (*models.Client, string) {
	t.Helper()
	if nc.Name == "" {
		nc.Name = "App"
	}
	if nc.RedirectURIs == nil {
		nc.RedirectURIs = []string{appCB, appCB2}
	}
	c, secret, err := f.eng.CreateClient(t.Context(), nc)
	if err != nil {
		t.Fatalf("CreateClient(%+v): %v", nc, err)
	}
	return c, secret
}

// approve runs Authorize and Approve for req (client id and response_type filled in) and
// returns the code.
func (f *fixture) approve(t testing.TB, c *models.Client, u *models.User, req AuthorizeRequest) string {
	t.Helper()
	req.ClientID = c.ID
	if req.ResponseType == "" {
		req.ResponseType = "code"
	}
	a, err := f.eng.Authorize(t.Context(), req)
	if err != nil {
		t.Fatalf("Authorize(%+v): %v", req, err)
	}
	code, err := f.eng.Approve(t.Context(), a, u)
	if err != nil {
		t.Fatalf("Approve: %v", err)
	}
	return code
}

func (f *fixture) exchange(ctx context.Context, c *models.Client, code, redirectURI, verifier string) (*TokenResult, error) {
	return f.eng.ExchangeCode(ctx, CodeExchange{Client: c, Code: code, RedirectURI: redirectURI,
		CodeVerifier: verifier, AccessTTL: accessTTL})
}

// tokens runs the whole code flow with PKCE S256 and returns the token response.
func (f *fixture) tokens(t testing.TB, c *models.Client, u *models.User, scope string) *TokenResult {
	t.Helper()
	v := newVerifier()
	code := f.approve(t, c, u, AuthorizeRequest{RedirectURI: appCB, Scope: scope, CodeChallenge: s256(v),
		CodeChallengeMethod: PKCES256})
	res, err := f.exchange(t.Context(), c, code, appCB, v)
	if err != nil {
		t.Fatalf("ExchangeCode: %v", err)
	}
	return res
}

func (f *fixture) refresh(ctx context.Context, c *models.Client, token, scope string) (*TokenResult, error) {
	return f.eng.Refresh(ctx, RefreshRequest{Client: c, RefreshToken: token, Scope: scope, AccessTTL: accessTTL})
}

// bearerOK reports whether an access token is accepted.
func (f *fixture) bearerOK(t testing.TB, token string) bool {
	t.Helper()
	_, err := f.eng.AuthenticateBearer(t.Context(), token)
	if err != nil && AsError(err).Code != ErrInvalidToken {
		t.Fatalf("AuthenticateBearer: unexpected error %v", err)
	}
	return err == nil
}

func (f *fixture) tokenRow(t testing.TB, plain string) models.Token {
	t.Helper()
	var row store.Token
	if err := f.store.DB().Where("id = ?", Digest(plain)).Take(&row).Error; err != nil {
		t.Fatalf("read token row: %v", err)
	}
	return models.Token(row)
}

func newVerifier() string { return NewToken() + NewToken() } // 80 unreserved characters

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// wantErr asserts that err is a core error with code and reason.
func wantErr(t testing.TB, err error, code string, reason Reason) {
	t.Helper()
	if err == nil {
		t.Errorf("err = nil, want %s (reason %d)", code, reason)
		return
	}
	if e := AsError(err); e.Code != code || e.Reason != reason {
		t.Errorf("err = %v (code %s, reason %d), want code %s, reason %d", err, e.Code, e.Reason, code, reason)
	}
}

// concurrently calls fn n times at once and returns the errors, one per call (nil on success).
func concurrently(n int, fn func(ctx context.Context) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(context.Background())
		}()
	}
	close(start)
	wg.Wait()
	return errs
}
