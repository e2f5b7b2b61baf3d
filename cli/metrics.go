package cli

import (
	"context"
	"fmt"
	"net"
	"time"

	"oauthd/metrics"
	"oauthd/store"
)

// serveMetrics exports the store's pools and serves the metrics on ln; the returned stop
// closes it.
func (e *env) serveMetrics(ln net.Listener, m *metrics.Metrics, st *store.Store) (func(), error) {
	handles := st.Handles()
	names := []string{"main"}
	if len(handles) == 2 {
		names = []string{"read", "write"} // SQLite: readers and the single writer pool
	}
	for i, h := range handles {
		db, err := h.DB()
		if err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
		m.WatchPool(names[i], db)
	}
	srv := metrics.Serve(ln, m, e.log.Logger)
	fmt.Fprintf(e.errOut, "oauthd metrics on http://%s/metrics\n", srv.Addr())
	e.log.Info("metrics listening", "addr", srv.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
	}, nil
}
