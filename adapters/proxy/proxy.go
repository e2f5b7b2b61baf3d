// Package proxy is oauthd's optional built-in reverse proxy, for deployments without nginx or
// another proxy in front of their APIs: requests under a configured prefix are verified as
// /oauth2/verify verifies them, then forwarded to the prefix's upstream with the caller's
// identity in X-Auth-* headers. Forwarding is Fiber's proxy middleware (a fasthttp client)
// with bodies streamed both ways.
package proxy

import (
	"errors"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	fiberproxy "github.com/gofiber/fiber/v2/middleware/proxy"
	"github.com/valyala/fasthttp"

	"oauthd/adapters"
	"oauthd/adapters/forwardauth"
	"oauthd/adapters/frappe"
	"oauthd/adapters/web"
	"oauthd/config"
	"oauthd/core"
)

// renderer answers an error in the shape clients of a path expect.
type renderer func(c *fiber.Ctx, status int, e *core.Error) error

// route is one [[proxy]] table, ready to serve.
type route struct {
	prefix, upstream string
	strip            bool
	need             core.Requirements
	client           *fasthttp.Client
	render           renderer
	cors             string       // config.CORSOAuthd or config.CORSUpstream
	allow            OriginPolicy // oauthd's CORS rule
	resource         core.ProtectedResource
	issuer           string // server.issuer; "": the request's own
}

// Proxy holds the routes, longest prefix first.
type Proxy struct {
	eng    *core.Engine
	routes []*route
}

// streamThreshold is the size above which an upstream's response body is streamed to the
// client rather than read whole first.
const streamThreshold = 64 << 10

// New prepares the configured routes, answering browsers' CORS questions by allow and failures
// in the shape of the dialect a prefix belongs to; nil when there are none. issuer is
// server.issuer ("": the request's own).
func New(eng *core.Engine, tables []config.Proxy, dialects []adapters.Dialect, allow OriginPolicy, issuer string) *Proxy {
	if len(tables) == 0 {
		return nil
	}
	p := &Proxy{eng: eng}
	for _, t := range tables {
		r := newRoute(t)
		r.render = failure(t.Prefix, dialects)
		r.cors, r.allow, r.issuer = t.CORS, allow, issuer
		p.routes = append(p.routes, r)
	}
	sort.SliceStable(p.routes, func(i, j int) bool { return len(p.routes[i].prefix) > len(p.routes[j].prefix) })
	return p
}

func newRoute(t config.Proxy) *route {
	dialTimeout := t.DialTimeout
	need := forwardauth.ParseRequirements(t.Scope, t.Client, t.Resource)
	return &route{prefix: t.Prefix, upstream: t.Upstream, strip: t.StripPrefix, need: need,
		resource: Resource(t),
		client: &fasthttp.Client{
			NoDefaultUserAgentHeader: true, // the client's own User-Agent goes through
			DisablePathNormalizing:   true, // the path was checked as sent; forward it as sent
			StreamResponseBody:       true,
			MaxResponseBodySize:      streamThreshold,
			ReadBufferSize:           64 << 10, // the upstream's response headers
			ReadTimeout:              t.Timeout,
			WriteTimeout:             t.Timeout,
			Dial: func(addr string) (net.Conn, error) {
				return fasthttp.DialTimeout(addr, dialTimeout)
			},
			// No retries after a timeout or a broken exchange: a slow upstream would get the
			// request again and again. fasthttp still sends again a request the upstream
			// closed unanswered (io.EOF: a keep-alive connection it had dropped), unless its
			// body is a stream; serve reads small bodies whole for that, and idle connections
			// are dropped before common upstream keep-alive timeouts (gunicorn: 2 s).
			RetryIf:             func(*fasthttp.Request) bool { return false },
			MaxIdleConnDuration: time.Second,
		}}
}

// Resource is what a [[proxy]] table guards, as the core serves it: the resource it names (or
// the issuer followed by its prefix), with the scopes its requests need.
func Resource(t config.Proxy) core.ProtectedResource {
	return core.ProtectedResource{URL: t.Resource, Prefix: t.Prefix,
		Scopes: forwardauth.ParseRequirements(t.Scope, "", "").Scopes}
}

// failure picks the error shape of the paths under prefix: the shape of the dialect they
// belong to (the Odoo module's under /restapi), else Frappe's resource errors, which
// /oauth2/verify answers with too.
func failure(prefix string, dialects []adapters.Dialect) renderer {
	for _, d := range dialects {
		if d.Serves(prefix) {
			return d.Failure
		}
	}
	return frappe.Failure
}

// match is the route whose prefix covers path on a segment boundary: /api/resource covers
// /api/resource and /api/resource/Item, never /api/resources.
func (p *Proxy) match(path string) *route {
	for _, r := range p.routes {
		if adapters.Under(path, r.prefix) {
			return r
		}
	}
	return nil
}

// Handler forwards the requests under a prefix and passes every other one on. With proxies
// configured the server streams request bodies (see Streaming), so for the other requests it
// enforces limit (server.body_limit) itself: oauthd's own endpoints keep it.
func (p *Proxy) Handler(limit int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r := p.match(string(c.Request().URI().PathOriginal()))
		if r == nil {
			if err := limitBody(c, limit); err != nil {
				return err
			}
			return c.Next()
		}
		return r.serve(c, p.eng, limit)
	}
}

// Streaming sets what forwarding needs of the server: request bodies read as they come, so
// an upload of any size passes through in constant memory (fasthttp would otherwise read it
// whole, and refuse it past server.body_limit), and multipart forms left unparsed until a
// handler asks, so that they too go through limitBody.
func Streaming(cfg *fiber.Config) {
	cfg.StreamRequestBody = true
	cfg.DisablePreParseMultipartForm = true
}

var (
	errBadPath = &core.Error{Code: core.ErrInvalidRequest, Reason: core.ReasonBadParameter,
		Description: "The request path is not one this server forwards."}
	errBadBody = &core.Error{Code: core.ErrInvalidRequest, Reason: core.ReasonBadParameter,
		Description: "The request body could not be read."}
	errUpstream = &core.Error{Code: core.ErrTemporarilyUnavailable, Reason: core.ReasonUnavailable,
		Description: "The upstream server did not answer."}
)

// serve verifies the bearer token exactly as /oauth2/verify does, then forwards. A CORS
// preflight carries no token: oauthd answers it, or, with cors = "upstream", forwards it
// without one. With cors = "oauthd" every cross-origin answer carries oauthd's CORS rule.
func (r *route) serve(c *fiber.Ctx, eng *core.Engine, limit int) error {
	raw := string(c.Request().URI().PathOriginal())
	if !safePath(raw) {
		return r.refuse(c, fiber.StatusBadRequest, errBadPath)
	}
	if preflight(c) {
		if r.cors == config.CORSUpstream {
			return r.forward(c, nil, raw, limit)
		}
		return answerPreflight(c, r.allow)
	}
	token, used := forwardauth.RequestToken(c, string(c.Request().RequestURI()))
	p, err := eng.AuthorizeBearer(c.UserContext(), token, used, r.need)
	if err != nil {
		e := core.AsError(err)
		adapters.Refuse(c, e, r.need.Scopes, r.metadata(c))
		return r.refuse(c, e.Status(), e)
	}
	origin := c.Get(fiber.HeaderOrigin)
	if err := r.forward(c, p, raw, limit); err != nil {
		return err
	}
	if r.cors == config.CORSOAuthd {
		grantCORS(c, origin, r.allow)
	}
	return nil
}

// metadata is the URL of the route's protected resource metadata, which its challenges name.
func (r *route) metadata(c *fiber.Ctx) string {
	return adapters.ResourceMetadataURL(r.resource.Identifier(web.Issuer(c, r.issuer)))
}

// forward sends the request upstream as the principal p, or as a preflight when p is nil: with
// its CORS request headers only, no identity and no body. A body of a declared length up to
// limit is read whole first (so that it can be sent twice, see newRoute); a larger or chunked
// one streams. An upstream's Set-Cookie for one of oauthd's cookies never comes back.
func (r *route) forward(c *fiber.Ctx, p *core.Principal, raw string, limit int) error {
	n := c.Request().Header.ContentLength()
	if p == nil || n >= 0 && n <= limit {
		if err := limitBody(c, limit); err != nil {
			return r.refuse(c, fiber.StatusBadRequest, errBadBody)
		}
	}
	if p == nil {
		preflightRequest(c)
	} else {
		outgoingHeaders(c, p)
	}
	target := r.target(raw, string(c.Request().URI().QueryString()))
	if err := fiberproxy.Do(c, target, r.client); err != nil {
		status := fiber.StatusBadGateway // unreachable, refused, or a broken answer
		if errors.Is(err, fasthttp.ErrTimeout) {
			status = fiber.StatusGatewayTimeout // connected, but too slow to answer
		}
		c.Response().Reset()
		return r.refuse(c, status, errUpstream)
	}
	dropOwnSetCookies(&c.Response().Header)
	return nil
}

// refuse answers an error in the path's dialect and closes the connection: the request body
// may be unread, and the server would otherwise parse its rest as the next request. A page of
// an origin oauthd's CORS rule allows may read it, in either cors mode: it must see that its
// token was refused.
func (r *route) refuse(c *fiber.Ctx, status int, e *core.Error) error {
	c.Context().SetConnectionClose()
	c.Set(fiber.HeaderCacheControl, "no-store")
	err := r.render(c, status, e)
	grantCORS(c, c.Get(fiber.HeaderOrigin), r.allow)
	return err
}

// target is the upstream URL for a request path and raw query: the prefix stripped when
// configured, access_token taken out of the query (the upstream gets identity headers, not
// credentials).
func (r *route) target(path, query string) string {
	if r.strip {
		path = strings.TrimPrefix(path, r.prefix)
	}
	if path == "" || path[0] != '/' {
		path = "/" + path
	}
	u := r.upstream + path
	if q := withoutAccessToken(query); q != "" {
		u += "?" + q
	}
	return u
}
