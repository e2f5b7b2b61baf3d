package metrics

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"oauthd/core"
)

func TestLabelsStayBounded(t *testing.T) {
	m := New()
	m.Request("/api/method/login", "BREW", "frappe", 200, time.Millisecond)
	m.Request("/api/method/login", "POST", "frappe", 999, time.Millisecond)
	if got := testutil.ToFloat64(m.requests.WithLabelValues("/api/method/login", "other", "200", "frappe")); got != 1 {
		t.Errorf("an invented method must count as other: %v", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("/api/method/login", "POST", "other", "frappe")); got != 1 {
		t.Errorf("an impossible status must count as other: %v", got)
	}
}

func TestObserverReadsTheDialectFromTheTrace(t *testing.T) {
	m := New()
	ctx, _ := core.Traced(context.Background(), "odoo")
	m.TokenIssued(ctx, core.GrantRefreshToken)
	m.TokenIssued(context.Background(), core.GrantClientCredentials) // a CLI call: no trace
	m.Login(ctx, core.LoginLimited)
	m.RefreshReuse(ctx)
	m.BearerCache(true)
	for name, got := range map[string]float64{
		"odoo refresh_token":      testutil.ToFloat64(m.tokens.WithLabelValues(core.GrantRefreshToken, "odoo")),
		"none client_credentials": testutil.ToFloat64(m.tokens.WithLabelValues(core.GrantClientCredentials, "none")),
		"odoo login limited":      testutil.ToFloat64(m.logins.WithLabelValues(core.LoginLimited, "odoo")),
		"odoo reuse":              testutil.ToFloat64(m.reuse.WithLabelValues("odoo")),
		"cache hit":               testutil.ToFloat64(m.cache.WithLabelValues("hit")),
	} {
		if got != 1 {
			t.Errorf("%s = %v, want 1", name, got)
		}
	}
}
