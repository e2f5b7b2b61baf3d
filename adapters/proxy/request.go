package proxy

import (
	"bytes"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"oauthd/adapters"
	"oauthd/adapters/forwardauth"
	"oauthd/compat"
	"oauthd/core"
)

// Headers no client may send an upstream, matched by canonicalName: the connection's own
// (RFC 9110 §7.6.1; fasthttp writes Connection, Content-Length and Transfer-Encoding itself),
// credentials, and every X-Auth-* header (a client must not claim an identity).
var (
	droppedHeaders = []string{"keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer", "upgrade",
		"authorization", strings.ToLower(compat.MisspeltAuthorizationHeader)}
	identityPrefix = strings.ToLower(forwardauth.HeaderPrefix)
)

// Headers that say where a request came from or what it asked for, which upstreams believe
// from a proxy: only a peer in server.trusted_proxies may send them through. From anyone else
// they are dropped, and X-Forwarded-For, -Host and -Proto are written afresh.
var (
	forwardingHeaders = []string{"forwarded", "x-real-ip", "x-client-ip", "true-client-ip", "x-original-url",
		"x-original-uri", "x-rewrite-url"}
	forwardingPrefix = "x-forwarded-"
)

// dropped reports whether a client's header stays out of the forwarded request. Names are
// compared as the servers behind the proxy read them (canonicalByte): a forwarding header
// passes only as a trusted peer spelt it, since written with "_" it came from a client behind
// that peer.
func dropped(name []byte, trusted bool) bool {
	switch {
	case canonicalPrefix(name, identityPrefix), canonicalIn(name, droppedHeaders):
		return true
	case canonicalPrefix(name, forwardingPrefix), canonicalIn(name, forwardingHeaders):
		return !trusted || bytes.IndexByte(name, '_') >= 0
	}
	return false
}

// canonicalByte is how a header name's byte reads to the servers behind the proxy: in any
// case, and "_" as "-", since CGI and WSGI stacks (PHP-FPM, wsgiref, gunicorn before 22) fold
// both into one HTTP_X_AUTH_USER, the first value winning. Matching this way drops exactly the
// spellings that would pass for a header oauthd controls; other names with "_" go through.
func canonicalByte(b byte) byte {
	switch {
	case b == '_':
		return '-'
	case 'A' <= b && b <= 'Z':
		return b + 'a' - 'A'
	}
	return b
}

// canonicalPrefix reports whether name begins with lower, a lower-case name, as canonicalByte
// reads it.
func canonicalPrefix(name []byte, lower string) bool {
	if len(name) < len(lower) {
		return false
	}
	for i := range len(lower) {
		if canonicalByte(name[i]) != lower[i] {
			return false
		}
	}
	return true
}

// canonicalIn reports whether name is one of the lower-case names of list, as canonicalByte
// reads it.
func canonicalIn(name []byte, list []string) bool {
	return slices.ContainsFunc(list, func(lower string) bool {
		return len(name) == len(lower) && canonicalPrefix(name, lower)
	})
}

// outgoingHeaders turns the client's headers into the upstream's: credentials, identities,
// oauthd's own cookies and, from an untrusted peer, forwarding headers out; the verified
// identity in; and X-Forwarded-For, -Host and -Proto for the upstream's links and logs.
func outgoingHeaders(c *fiber.Ctx, p *core.Principal) {
	h := &c.Request().Header
	trusted := c.IsProxyTrusted()
	var drop []string
	h.VisitAll(func(key, _ []byte) {
		if dropped(key, trusted) {
			drop = append(drop, string(key))
		}
	})
	for _, k := range drop {
		h.Del(k)
	}
	dropOwnCookies(h)
	forwardauth.SetIdentity(p, h.Set)
	peer := c.Context().RemoteIP().String()
	if prior := h.Peek(fiber.HeaderXForwardedFor); len(prior) > 0 {
		h.Set(fiber.HeaderXForwardedFor, string(prior)+", "+peer)
	} else {
		h.Set(fiber.HeaderXForwardedFor, peer)
	}
	if len(h.Peek(fiber.HeaderXForwardedHost)) == 0 {
		h.Set(fiber.HeaderXForwardedHost, string(c.Request().Host()))
	}
	h.Set(fiber.HeaderXForwardedProto, c.Protocol())
}

// preflightHeaders are all a forwarded CORS preflight carries (Fetch §3.2.2): it comes
// unauthenticated, so the upstream learns what the browser asks and nothing else of it.
var preflightHeaders = []string{fiber.HeaderOrigin, fiber.HeaderAccessControlRequestMethod,
	fiber.HeaderAccessControlRequestHeaders, "Access-Control-Request-Private-Network"}

// preflightRequest strips a preflight to its CORS request headers and no body (read already).
func preflightRequest(c *fiber.Ctx) {
	req := c.Request()
	var drop []string
	req.Header.VisitAll(func(key, _ []byte) {
		k := string(key)
		if k != fiber.HeaderHost && !slices.ContainsFunc(preflightHeaders, func(keep string) bool {
			return strings.EqualFold(k, keep)
		}) {
			drop = append(drop, k)
		}
	})
	for _, k := range drop {
		req.Header.Del(k)
	}
	req.Header.DelAllCookies()
	req.Header.SetNoDefaultContentType(true)
	req.ResetBody()
	req.Header.SetContentLength(0)
}

// dropOwnCookies takes oauthd's cookies out of a forwarded request: a proxied API shares
// oauthd's origin and browsers send them along, but a live session (it obtains codes for any
// client) and the admin page's handle are no upstream's business. Browsers send them under
// exactly the names oauthd set; other cookies stay.
func dropOwnCookies(h *fasthttp.RequestHeader) {
	for _, name := range adapters.OwnCookies {
		h.DelCookie(name)
	}
}

// dropOwnSetCookies refuses an upstream's Set-Cookie for one of oauthd's cookie names, however
// spelt (OwnCookie): an upstream must not set a session, or the admin handle, on oauthd's
// origin.
func dropOwnSetCookies(h *fasthttp.ResponseHeader) {
	var own []string
	h.VisitAllCookie(func(key, _ []byte) {
		if adapters.OwnCookie(string(key)) {
			own = append(own, string(key))
		}
	})
	for _, k := range own {
		h.DelCookie(k)
	}
}

// safePath refuses a path that an upstream could resolve outside the prefix it was matched
// under, or end early: a "." or ".." segment as sent, percent-decoded once or twice, split by
// backslashes or encoded slashes too, and also with ";" parameters after it (Tomcat and Spring
// read "..;jsessionid=x" as ".."), and a NUL anywhere (C-based servers end the path there).
// Only the first decoding must succeed: a name may hold a literal "%".
func safePath(raw string) bool {
	p := raw
	for decoded := 0; ; decoded++ {
		if strings.IndexByte(p, 0) >= 0 {
			return false
		}
		for _, seg := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
			if name, _, _ := strings.Cut(seg, ";"); name == "." || name == ".." {
				return false
			}
		}
		next, err := url.PathUnescape(p)
		switch {
		case err != nil:
			return decoded > 0
		case next == p || decoded == 2:
			return true
		}
		p = next
	}
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
