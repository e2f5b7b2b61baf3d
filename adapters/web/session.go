// Package web holds what both dialects show a browser: the session cookies, the login and
// consent pages, and HTML error pages, with their security headers.
package web

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/config"
	"oauthd/core"
	"oauthd/models"
)

// SessionID returns the session id from either cookie ("" when absent): Frappe's "sid" and
// Odoo's "session_id" name the same session, so a login through either dialect is honoured by
// both.
func SessionID(c *fiber.Ctx) string {
	if sid := c.Cookies(adapters.CookieSID); sid != "" {
		return sid
	}
	return c.Cookies(adapters.CookieSessionID)
}

// CurrentSession returns the request's browser session; its User is nil when there is no
// live session. The error is non-nil only when the store failed.
func CurrentSession(c *fiber.Ctx, eng *core.Engine) (core.Session, error) {
	return eng.CurrentSession(c.UserContext(), SessionID(c))
}

// DialectOptions are the settings every dialect has.
type DialectOptions struct {
	AccessTTL time.Duration // lifetime of the access tokens the dialect issues
	Issuer    string        // the public base URL; "" means the request's own scheme and host
	Cookies   CookieOptions
}

// NewDialectOptions are the settings every dialect takes from the configuration, with the
// lifetime of its access tokens.
func NewDialectOptions(cfg *config.Config, accessTTL time.Duration) DialectOptions {
	return DialectOptions{AccessTTL: accessTTL, Issuer: cfg.Server.Issuer, Cookies: Cookies(cfg.Login, cfg.Server.Issuer)}
}

// CookieOptions are the deployment's cookie settings.
type CookieOptions struct {
	Secure bool
	TTL    time.Duration
}

// SetSession sets both session cookies (HttpOnly, SameSite=Lax) and Frappe's informational
// user_id and full_name cookies.
func SetSession(c *fiber.Ctx, sid string, u *models.User, opt CookieOptions) {
	exp := time.Now().Add(opt.TTL)
	for _, name := range []string{adapters.CookieSID, adapters.CookieSessionID} {
		c.Cookie(&fiber.Cookie{Name: name, Value: sid, Path: "/", Expires: exp, HTTPOnly: true,
			Secure: opt.Secure, SameSite: fiber.CookieSameSiteLaxMode})
	}
	c.Cookie(&fiber.Cookie{Name: adapters.CookieUserID, Value: u.Email, Path: "/", Expires: exp, Secure: opt.Secure,
		SameSite: fiber.CookieSameSiteLaxMode})
	c.Cookie(&fiber.Cookie{Name: adapters.CookieFullName, Value: u.FullName, Path: "/", Expires: exp, Secure: opt.Secure,
		SameSite: fiber.CookieSameSiteLaxMode})
}

// ClearSession expires every session cookie.
func ClearSession(c *fiber.Ctx) {
	for _, name := range []string{adapters.CookieSID, adapters.CookieSessionID, adapters.CookieUserID, adapters.CookieFullName} {
		c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", Expires: time.Unix(1, 0), MaxAge: -1,
			HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
	}
}

// LocalPath returns target if it is a same-site path ("/..." but not "//host" or "/\host"),
// else "/". It keeps login redirects from becoming open redirects.
func LocalPath(target string) string {
	if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") ||
		strings.ContainsAny(target, "\r\n\t") {
		return "/"
	}
	return target
}

// LoginTarget is where a login may return to: a same-site path (LocalPath), or an absolute
// http(s) URL on this request's own host, reduced to its path and query (Frappe's login page
// receives the absolute authorize URL in redirect-to). Anything else is "/": never another
// host, so the parameter is no open redirect.
func LoginTarget(c *fiber.Ctx, target string) string {
	u, err := url.Parse(target)
	if err != nil || !u.IsAbs() || strings.ContainsAny(target, "\r\n\t\\") {
		return LocalPath(target)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.Host == "" ||
		!strings.EqualFold(u.Host, string(c.Request().Host())) {
		return "/"
	}
	return LocalPath(u.RequestURI())
}

// WantsHTML reports whether the client prefers an HTML answer (a browser).
func WantsHTML(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderAccept), "text/html")
}

// Cookies are the session cookie settings from the login configuration. They are Secure
// when login.secure_cookies says so, and always when the issuer is https: a session cookie
// sent over plain HTTP to a server that is only served over TLS can only leak.
func Cookies(cfg config.Login, issuer string) CookieOptions {
	return CookieOptions{Secure: cfg.SecureCookies || strings.HasPrefix(strings.ToLower(issuer), "https://"),
		TTL: cfg.SessionTTL}
}

// MetadataMaxAge is how long clients and caches may keep discovery documents.
const MetadataMaxAge = time.Hour

// CacheMetadata marks a discovery document cacheable. Without a configured issuer the
// document depends on the request's Host (and a trusted proxy's X-Forwarded-* headers), so
// shared caches must keep one copy per value.
func CacheMetadata(c *fiber.Ctx, configured string) {
	c.Set(fiber.HeaderCacheControl, fmt.Sprintf("public, max-age=%d", int(MetadataMaxAge.Seconds())))
	if configured == "" {
		c.Vary(fiber.HeaderXForwardedHost, fiber.HeaderXForwardedProto)
	}
}

// Issuer is the configured public base URL, which always wins, or else the request's own
// scheme and host. Fiber reads X-Forwarded-Host and -Proto for these only from
// server.trusted_proxies.
func Issuer(c *fiber.Ctx, configured string) string {
	if configured != "" {
		return configured
	}
	return c.BaseURL()
}
