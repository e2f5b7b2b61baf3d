package core

import "context"

// Observer is told what the engine does, for metrics. The core knows nothing of the metrics
// library: cli wires an implementation in, and the default does nothing. Methods are called on
// hot paths and must not block.
type Observer interface {
	// TokenIssued counts a token response of a grant type.
	TokenIssued(ctx context.Context, grantType string)
	// RefreshReuse counts a replayed refresh token or code (its grant was revoked).
	RefreshReuse(ctx context.Context)
	// Login counts a password check: LoginSucceeded, LoginFailed or LoginLimited.
	Login(ctx context.Context, outcome string)
	// BearerCache counts a bearer check answered from the cache (hit) or the database.
	BearerCache(hit bool)
	// ClientQuirk counts a registered client's use of a legacy behaviour (see Quirks), and
	// whether it was refused.
	ClientQuirk(clientID, quirk string, refused bool)
}

// Login outcomes.
const (
	LoginSucceeded = "succeeded"
	LoginFailed    = "failed"
	LoginLimited   = "limited"
)

type nopObserver struct{}

func (nopObserver) TokenIssued(context.Context, string) {}
func (nopObserver) RefreshReuse(context.Context)        {}
func (nopObserver) Login(context.Context, string)       {}
func (nopObserver) BearerCache(bool)                    {}
func (nopObserver) ClientQuirk(string, string, bool)    {}

// Trace is what the engine learned about one request, for its access log line and metrics
// labels: the route layer puts one in the request's context and reads it when the request ends.
type Trace struct {
	Dialect  string // set by the route layer
	ClientID string
	UserID   uint
}

type traceKey struct{}

// Traced returns ctx carrying a new Trace for a request of dialect, and the trace: one
// allocation for both, as this runs on every request.
func Traced(ctx context.Context, dialect string) (context.Context, *Trace) {
	tc := &traceContext{Context: ctx, trace: Trace{Dialect: dialect}}
	return tc, &tc.trace
}

// traceContext is a context carrying a Trace (what context.WithValue would give, in one
// allocation with the Trace).
type traceContext struct {
	context.Context
	trace Trace
}

func (c *traceContext) Value(key any) any {
	if key == (traceKey{}) {
		return &c.trace
	}
	return c.Context.Value(key)
}

// TraceOf returns the request's trace, or nil outside a traced request.
func TraceOf(ctx context.Context) *Trace {
	t, _ := ctx.Value(traceKey{}).(*Trace)
	return t
}

// noteClient and noteUser record who a request turned out to be about.
func noteClient(ctx context.Context, clientID string) {
	if t := TraceOf(ctx); t != nil {
		t.ClientID = clientID
	}
}

func noteUser(ctx context.Context, userID uint) {
	if t := TraceOf(ctx); t != nil && userID != 0 {
		t.UserID = userID
	}
}

// observeBearer counts a bearer cache lookup (only a configured cache has hits or misses) and
// notes whom a hit speaks for. The Observer is the one count of hits and misses: the cache
// keeps none of its own, so metrics cannot count a lookup twice.
func (e *Engine) observeBearer(ctx context.Context, p *Principal, hit bool) {
	if p != nil {
		noteClient(ctx, p.ClientID)
		noteUser(ctx, p.UserID)
	}
	if e.bearer != nil {
		e.obs.BearerCache(hit)
	}
}

// observeToken counts a token response, or a replay the grant detected.
func (e *Engine) observeToken(ctx context.Context, grantType string, res *TokenResult, err error) {
	if err == nil {
		noteUser(ctx, res.UserID)
		e.obs.TokenIssued(ctx, grantType)
		return
	}
	if r := AsError(err).Reason; r == ReasonRefreshReused || r == ReasonCodeUsed {
		e.obs.RefreshReuse(ctx)
	}
}

// observeLogin counts a password check by its outcome; a store failure is neither.
func (e *Engine) observeLogin(ctx context.Context, err error) {
	switch {
	case err == nil:
		e.obs.Login(ctx, LoginSucceeded)
	case AsError(err).Reason == ReasonLoginFailed:
		e.obs.Login(ctx, LoginFailed)
	case AsError(err).Reason == ReasonRateLimited:
		e.obs.Login(ctx, LoginLimited) // refused by the login limits before any password check
	}
}
