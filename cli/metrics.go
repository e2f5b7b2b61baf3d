package cli

import (
	"context"
	"fmt"
	"time"

	"oauthd/config"
	"oauthd/metrics"
	"oauthd/models"
)

// serveMetrics exports the store's pools and starts the metrics listener; the returned stop
// closes it.
func (e *env) serveMetrics(cfg *config.Config, m *metrics.Metrics, store *models.Store) (func(), error) {
	handles := store.Handles()
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
	srv, err := metrics.Listen(cfg.Metrics.Addr, m, e.log.Logger)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.errOut, "oauthd metrics on http://%s/metrics\n", srv.Addr())
	e.log.Info("metrics listening", "addr", srv.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
	}, nil
}
