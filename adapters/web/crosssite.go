package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// CrossSite reports whether a browser sent the request on behalf of another site. Login and
// logout refuse such requests: another site could otherwise sign the victim into the
// attacker's account (whose consents and codes the attacker controls) or sign them out, by a
// form post or a plain top-level navigation to a GET login URL, which SameSite=Lax cookies
// follow. In order of trust:
//   - Sec-Fetch-Site, which browsers send on every request including navigations: only
//     same-origin and none (typed URL, bookmark) pass; same-site (a sibling subdomain) does not;
//   - else Origin, compared by host (a TLS-terminating proxy in front does not matter), where
//     "null" (sandboxed or privacy-stripped) counts as foreign;
//   - else Referer, by host.
//
// A request with none of them (curl, Frappe's Python clients, an old browser) is not a
// browser acting for another site, and passes.
func CrossSite(c *fiber.Ctx) bool {
	switch strings.ToLower(c.Get("Sec-Fetch-Site")) {
	case "same-origin", "none":
		return false
	case "":
	default: // cross-site, same-site, or a value this code does not know
		return true
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" {
		return !sameHost(c, origin)
	}
	if referer := c.Get(fiber.HeaderReferer); referer != "" {
		return !sameHost(c, referer)
	}
	return false
}

// sameHost reports whether an absolute URL names this request's host.
func sameHost(c *fiber.Ctx, raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, string(c.Request().Host()))
}
