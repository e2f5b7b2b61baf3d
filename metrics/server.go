package metrics

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server serves /metrics on its own listener.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Serve starts serving m on ln in the background; a failure of the listener later is logged
// (the OAuth server goes on without metrics).
func Serve(ln net.Listener, m *Metrics, log *slog.Logger) *Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	s := &Server{srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, ln: ln}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener failed", "error", err.Error())
		}
	}()
	return s
}

// Addr is the bound address (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the listener, letting a scrape in progress finish within the context.
func (s *Server) Close(ctx context.Context) error { return s.srv.Shutdown(ctx) }
