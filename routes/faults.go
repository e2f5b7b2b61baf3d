package routes

import (
	"math"
	"net"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/ephemeral"
	"oauthd/core"
)

// faults applies the queued faults of `serve --ephemeral` to the requests they match. It is
// mounted only in that mode, so a normal server's requests never pass through it; in that
// mode a request to any other path costs one map lookup, and to a listed one an atomic load
// while the queue is empty. Errors are rendered by the endpoint's own dialect renderer.
func faults(q *ephemeral.Faults, dialects []adapters.Dialect) fiber.Handler {
	byPath := map[string]adapters.Endpoint{}
	for _, d := range dialects {
		for _, ep := range d.Endpoints() {
			byPath[ep.Path] = ep
		}
	}
	return func(c *fiber.Ctx) error {
		ep, ok := byPath[c.Path()]
		if !ok || c.Method() == fiber.MethodOptions { // a CORS preflight is no request to fail
			return c.Next()
		}
		f, ok := q.Take(ep.Kind, ep.Dialect)
		if !ok {
			return c.Next()
		}
		switch f.Kind {
		case ephemeral.KindDelay:
			time.Sleep(f.Delay)
			return c.Next()
		case ephemeral.KindDrop:
			c.Context().HijackSetNoResponse(true)
			c.Context().Hijack(func(net.Conn) {}) // fasthttp closes the connection when this returns
			return nil
		case ephemeral.KindInvalidGrant:
			return ep.Render(c, core.InvalidGrant(ep.GrantType(c)))
		}
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
		return ep.Render(c, core.Outage(f.RetryAfter))
	}
}

// FaultTargets are the endpoints faults can aim at: each dialect's kinds of endpoint.
func FaultTargets() ephemeral.Targets {
	targets := ephemeral.Targets{}
	for _, d := range Dialects() {
		for _, ep := range d.Endpoints() {
			if !slices.Contains(targets[d.Name], ep.Kind) {
				targets[d.Name] = append(targets[d.Name], ep.Kind)
			}
		}
	}
	return targets
}
