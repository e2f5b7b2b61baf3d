package routes

import "github.com/gofiber/fiber/v2"

// securityHeaders are the headers every page and API answer carries: helmet's set with
// oauthd's settings (frames denied, nothing loaded, same-origin referrers; see
// TestSecurityHeadersMatchHelmet), kept as ready bytes because they are the same on every
// response. Referrer-Policy is same-origin, not no-referrer: under no-referrer browsers send
// "Origin: null" even on same-origin form posts, and the login form checks Origin against login
// CSRF. Nothing leaks to other sites either way.
var securityHeaders = [][2][]byte{
	{[]byte("X-Xss-Protection"), []byte("0")},
	{[]byte("X-Content-Type-Options"), []byte("nosniff")},
	{[]byte("X-Frame-Options"), []byte("DENY")},
	{[]byte("Cross-Origin-Embedder-Policy"), []byte("require-corp")},
	{[]byte("Cross-Origin-Opener-Policy"), []byte("same-origin")},
	{[]byte("Cross-Origin-Resource-Policy"), []byte("same-origin")},
	{[]byte("Origin-Agent-Cluster"), []byte("?1")},
	{[]byte("Referrer-Policy"), []byte("same-origin")},
	{[]byte("X-Dns-Prefetch-Control"), []byte("off")},
	{[]byte("X-Download-Options"), []byte("noopen")},
	{[]byte("X-Permitted-Cross-Domain-Policies"), []byte("none")},
	{[]byte("Content-Security-Policy"), []byte("default-src 'none'; frame-ancestors 'none'")},
}

// secure sets the security headers. It is Fiber's helmet middleware without its per-request
// work (twelve header names normalised and copied, the client's address parsed to decide on
// HSTS, which is not configured): it runs on every bearer check, whose budget is one indexed
// read.
func secure(c *fiber.Ctx) error {
	h := &c.Response().Header
	for _, kv := range securityHeaders {
		h.SetCanonical(kv[0], kv[1])
	}
	return c.Next()
}
