package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/core"
)

// LoginRefusal maps a failed core.Login to the HTTP status and message every login endpoint
// answers with, and sets Retry-After when the core said how long to wait: 429 for the login
// limits, 503 when the password hashing is saturated or the store is down, 401 with the
// core's description otherwise.
func LoginRefusal(c *fiber.Ctx, err error) (int, string) {
	e := core.AsError(err)
	if e.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	}
	switch {
	case e.Reason == core.ReasonRateLimited:
		return fiber.StatusTooManyRequests, "Too many login attempts, try again later."
	case e.Reason == core.ReasonBusy || e.Reason == core.ReasonUnavailable:
		return fiber.StatusServiceUnavailable, "The service is temporarily unavailable, try again."
	}
	return fiber.StatusUnauthorized, e.Description
}

// LoginAttempt is the core login attempt for an email and password sent to c.
func LoginAttempt(c *fiber.Ctx, email, password string) core.LoginAttempt {
	return core.LoginAttempt{Email: email, Password: password, Address: ClientAddress(c)}
}

// LoginAddress is ClientAddress for a token request that may carry a user's password (the
// password grant): only one that names a user needs it, and the token endpoint pays nothing
// for the others.
func LoginAddress(c *fiber.Ctx, username string) string {
	if username == "" {
		return ""
	}
	return ClientAddress(c)
}

// ClientAddress is the address the login limits count attempts by: the peer's, or behind a
// trusted proxy (server.trusted_proxies) the last X-Forwarded-For entry, the one the proxy
// itself appended. Earlier entries are whatever the client claimed.
func ClientAddress(c *fiber.Ctx) string {
	if c.IsProxyTrusted() {
		hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
		if last := strings.TrimSpace(hops[len(hops)-1]); last != "" {
			return last
		}
	}
	return c.Context().RemoteIP().String()
}
