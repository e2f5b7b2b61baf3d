// Package metrics exports oauthd's Prometheus metrics on a listener of their own. It
// implements the core's Observer and the routes' RequestObserver; neither of those imports
// Prometheus. Labels take values from small fixed sets (route templates, methods, status
// codes, dialects, grant types), never users or tokens; client ids only on the quirk counters,
// which count registered clients alone.
package metrics

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"oauthd/core"
)

// Metrics holds every collector on one registry.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	tokens   *prometheus.CounterVec
	reuse    *prometheus.CounterVec
	logins   *prometheus.CounterVec
	cache    *prometheus.CounterVec
	quirks   *prometheus.CounterVec
	refusals *prometheus.CounterVec
}

// New registers oauthd's metrics and the Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: counter("oauthd_http_requests_total", "HTTP requests by route template, method, status and dialect.",
			"route", "method", "status", "dialect"),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "oauthd_http_request_duration_seconds",
			Help:    "HTTP request latency by route template, method and dialect.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}},
			[]string{"route", "method", "dialect"}),
		tokens: counter("oauthd_tokens_issued_total", "Token responses by grant type and dialect.", "grant_type", "dialect"),
		reuse: counter("oauthd_refresh_reuse_total",
			"Replayed refresh tokens or codes detected (their grant was revoked), by dialect.", "dialect"),
		logins: counter("oauthd_logins_total", "Password logins by outcome (succeeded, failed, limited) and dialect.",
			"outcome", "dialect"),
		cache: counter("oauthd_bearer_cache_total",
			"Bearer checks answered by the in-process cache (hit) or the database (miss).", "result"),
		quirks: counter("oauthd_client_quirks_total",
			"Uses of legacy behaviours (quirks) by registered client and quirk, refused ones included.", "client_id", "quirk"),
		refusals: counter("oauthd_client_quirk_refusals_total",
			"Uses of legacy behaviours refused, by registered client and quirk.", "client_id", "quirk"),
	}
	m.Registry.MustRegister(m.requests, m.latency, m.tokens, m.reuse, m.logins, m.cache, m.quirks, m.refusals,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func counter(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

// WatchPool exports a database connection pool's statistics (open, in use, idle, waits) under
// the label db_name=name.
func (m *Metrics) WatchPool(name string, db *sql.DB) {
	m.Registry.MustRegister(collectors.NewDBStatsCollector(db, name))
}

// methods bounds the method label: anything else a client invents counts as "other". The
// label is the map's own string: the server's method string lives in a reused request buffer.
var methods = map[string]string{"GET": "GET", "HEAD": "HEAD", "POST": "POST", "PUT": "PUT",
	"PATCH": "PATCH", "DELETE": "DELETE", "OPTIONS": "OPTIONS"}

// Request counts one finished HTTP request. route and dialect must be constant strings.
func (m *Metrics) Request(route, method, dialect string, status int, elapsed time.Duration) {
	method, ok := methods[method]
	if !ok {
		method = "other"
	}
	m.requests.WithLabelValues(route, method, statusLabel(status), dialect).Inc()
	m.latency.WithLabelValues(route, method, dialect).Observe(elapsed.Seconds())
}

// statusLabels are the label values of every valid status code, made once so that counting a
// request allocates nothing for it.
var statusLabels = func() (l [600]string) {
	for i := 100; i < len(l); i++ {
		l[i] = strconv.Itoa(i)
	}
	return l
}()

func statusLabel(status int) string {
	if status < 100 || status >= len(statusLabels) {
		return "other"
	}
	return statusLabels[status]
}

// TokenIssued counts a token response.
func (m *Metrics) TokenIssued(ctx context.Context, grantType string) {
	m.tokens.WithLabelValues(grantType, dialectOf(ctx)).Inc()
}

// RefreshReuse counts a detected replay.
func (m *Metrics) RefreshReuse(ctx context.Context) { m.reuse.WithLabelValues(dialectOf(ctx)).Inc() }

// Login counts a password check.
func (m *Metrics) Login(ctx context.Context, outcome string) {
	m.logins.WithLabelValues(outcome, dialectOf(ctx)).Inc()
}

// BearerCache counts a bearer cache lookup.
func (m *Metrics) BearerCache(hit bool) {
	m.cache.WithLabelValues(map[bool]string{true: "hit", false: "miss"}[hit]).Inc()
}

// ClientQuirk counts a client's use of a quirk. The core calls it only for registered clients,
// so the client_id label has as many values as there are clients.
func (m *Metrics) ClientQuirk(clientID, quirk string, refused bool) {
	m.quirks.WithLabelValues(clientID, quirk).Inc()
	if refused {
		m.refusals.WithLabelValues(clientID, quirk).Inc()
	}
}

// dialectOf reads the dialect the route layer traced; calls from the CLI have none.
func dialectOf(ctx context.Context) string {
	if t := core.TraceOf(ctx); t != nil && t.Dialect != "" {
		return t.Dialect
	}
	return "none"
}

var _ core.Observer = (*Metrics)(nil)
