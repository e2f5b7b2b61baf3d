package proxy

import (
	"io"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/forwardauth"
	"oauthd/compat"
	"oauthd/core"
)

// hopByHop are the headers of one connection (RFC 9110 §7.6.1), never forwarded; fasthttp
// writes Connection, Content-Length and Transfer-Encoding itself.
var hopByHop = []string{"Keep-Alive", "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Upgrade"}

// outgoingHeaders turns the client's headers into the upstream's: credentials and every
// X-Auth-* header out (a client must not be able to claim an identity), the verified
// identity in (none for a preflight, which proves nothing), and the usual X-Forwarded-* for
// the upstream's links and logs.
func outgoingHeaders(c *fiber.Ctx, p *core.Principal) {
	h := &c.Request().Header
	var drop []string
	h.VisitAll(func(key, _ []byte) {
		if k := string(key); len(k) >= len(forwardauth.HeaderPrefix) &&
			strings.EqualFold(k[:len(forwardauth.HeaderPrefix)], forwardauth.HeaderPrefix) {
			drop = append(drop, k)
		}
	})
	drop = append(drop, fiber.HeaderAuthorization, compat.MisspeltAuthorizationHeader)
	for _, k := range append(drop, hopByHop...) {
		h.Del(k)
	}
	if p != nil {
		forwardauth.SetIdentity(p, h.Set)
	}
	if prior := h.Peek(fiber.HeaderXForwardedFor); len(prior) > 0 {
		h.Set(fiber.HeaderXForwardedFor, string(prior)+", "+c.IP())
	} else {
		h.Set(fiber.HeaderXForwardedFor, c.IP())
	}
	h.Set(fiber.HeaderXForwardedHost, string(c.Request().Host()))
	h.Set(fiber.HeaderXForwardedProto, c.Protocol())
}

// safePath refuses a path that an upstream could resolve outside the prefix it was matched
// under: a "." or ".." segment, also when percent-encoded or written with backslashes or
// encoded slashes.
func safePath(raw string) bool {
	decoded, err := url.PathUnescape(raw)
	if err != nil {
		return false
	}
	for _, seg := range strings.FieldsFunc(decoded, func(r rune) bool { return r == '/' || r == '\\' }) {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// withoutAccessToken is the raw query without its access_token pairs, every other pair byte
// for byte as the client sent it.
func withoutAccessToken(query string) string {
	if query == "" {
		return ""
	}
	kept := make([]string, 0, strings.Count(query, "&")+1)
	for _, pair := range strings.Split(query, "&") {
		key, _, _ := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(key); err == nil && k == "access_token" {
			continue
		}
		kept = append(kept, pair)
	}
	return strings.Join(kept, "&")
}

// limitBody holds a request that is not forwarded to server.body_limit, as fasthttp does
// when it does not stream: a declared length over it, or a chunked body that grows past it,
// is 413 and the connection closes. Otherwise the body is read here, so handlers find it
// whole.
func limitBody(c *fiber.Ctx, limit int) error {
	req := c.Request()
	stream := req.BodyStream()
	if stream == nil {
		return nil
	}
	if req.Header.ContentLength() > limit {
		return tooLarge(c, stream)
	}
	body, err := io.ReadAll(io.LimitReader(stream, int64(limit)+1))
	switch {
	case err != nil:
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusBadRequest, "unreadable body")
	case len(body) > limit:
		return tooLarge(c, stream)
	}
	req.SetBody(body)
	return nil
}

// drainCap bounds how much of a refused body is read and thrown away before the connection
// closes. Closing with the client's bytes unread makes the kernel reset the connection, and a
// client still sending then gets the reset instead of the 413 (seen under load in
// TestBuiltinProxy); nginx drains the same way ("lingering close"). A larger body still meets
// the reset rather than tie up the connection.
const drainCap = 1 << 20

// tooLarge refuses a body over the limit with 413, after draining up to drainCap of it.
func tooLarge(c *fiber.Ctx, stream io.Reader) error {
	_, _ = io.Copy(io.Discard, io.LimitReader(stream, drainCap)) // a read error only ends the drain
	c.Context().SetConnectionClose()
	return fiber.ErrRequestEntityTooLarge
}
