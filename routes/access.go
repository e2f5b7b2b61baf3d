package routes

import (
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/core"
)

// access writes one log line per request and reports it to the request observer. It runs
// outermost, so it sees the final status even of errors that the error handler renders and of
// panics that recover turned into errors. The line holds no query string, header or body:
// those carry codes, secrets and tokens.
func access(log *slog.Logger, obs adapters.RequestObserver) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		trace := &core.Trace{Dialect: dialect(c.Path())}
		c.SetUserContext(core.WithTrace(c.UserContext(), trace))
		if err := c.Next(); err != nil {
			if herr := errorHandler(c, err); herr != nil {
				return herr
			}
		}
		elapsed := time.Since(start)
		status, route := c.Response().StatusCode(), routeTemplate(c)
		if obs != nil {
			obs.Request(route, c.Method(), trace.Dialect, status, elapsed)
		}
		attrs := []slog.Attr{slog.String("request_id", requestID(c)), slog.String("method", c.Method()),
			slog.String("route", route), slog.Int("status", status),
			slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000), slog.String("dialect", trace.Dialect)}
		if trace.ClientID != "" {
			attrs = append(attrs, slog.String("client_id", trace.ClientID))
		}
		if trace.UserID != 0 {
			attrs = append(attrs, slog.Uint64("user_id", uint64(trace.UserID)))
		}
		log.LogAttrs(c.UserContext(), slog.LevelInfo, "request", attrs...)
		return nil
	}
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

func requestID(c *fiber.Ctx) string {
	if id, ok := c.Locals("requestid").(string); ok {
		return id
	}
	return ""
}

// dialect tells which dialect a path belongs to.
func dialect(path string) string {
	switch {
	case strings.HasPrefix(path, "/api/method/"), path == "/login", strings.HasPrefix(path, "/.well-known/"):
		return "frappe"
	case strings.HasPrefix(path, "/restapi/"), strings.HasPrefix(path, "/web/"):
		return "odoo"
	default:
		return "none"
	}
}
