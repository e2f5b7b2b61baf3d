package routes

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/core"
)

// access writes one log line per request and reports it to the request observer. It runs
// outermost, so it sees the final status even of errors that the error handler renders and of
// panics that recover turned into errors. It also gives every response its X-Request-ID, which
// the line names. The line holds no query string, header or body: those carry codes, secrets
// and tokens.
func access(log *slog.Logger, obs adapters.RequestObserver, dialects []adapters.Dialect) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var buf [36]byte
		id := stampRequestID(c, &buf)
		logged := log.Enabled(c.UserContext(), slog.LevelInfo)
		if !logged && obs == nil { // no line, no metrics: nothing to time or trace
			return rendered(c, c.Next())
		}
		start := time.Now()
		rid := string(id) // now: a handler may rewrite the request headers id points into
		ctx, trace := core.Traced(c.UserContext(), dialectOf(dialects, c.Path()))
		c.SetUserContext(ctx)
		if err := rendered(c, c.Next()); err != nil {
			return err
		}
		elapsed := time.Since(start)
		status, route := c.Response().StatusCode(), routeTemplate(c)
		if obs != nil {
			obs.Request(route, c.Method(), trace.Dialect, status, elapsed)
		}
		if logged {
			logRequest(ctx, log, c, rid, route, status, elapsed, trace)
		}
		return nil
	}
}

// rendered has the error handler answer err, if any, so that the response is final.
func rendered(c *fiber.Ctx, err error) error {
	if err == nil {
		return nil
	}
	return errorHandler(c, err)
}

func logRequest(ctx context.Context, log *slog.Logger, c *fiber.Ctx, id, route string, status int,
	elapsed time.Duration, trace *core.Trace) {
	attrs := []slog.Attr{slog.String("request_id", id), slog.String("method", c.Method()),
		slog.String("route", route), slog.Int("status", status),
		slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000), slog.String("dialect", trace.Dialect)}
	if trace.ClientID != "" {
		attrs = append(attrs, slog.String("client_id", trace.ClientID))
	}
	if trace.UserID != 0 {
		attrs = append(attrs, slog.Uint64("user_id", uint64(trace.UserID)))
	}
	log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
}

// routeTemplate is the matched route's pattern; requests no route matched share one value,
// so that scanners cannot grow the label set.
func routeTemplate(c *fiber.Ctx) string {
	r := c.Route()
	if r == nil || r.Method == "USE" || r.Path == "/" && c.Path() != "/" {
		return "unmatched"
	}
	return r.Path
}
