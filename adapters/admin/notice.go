package admin

import (
	"encoding/base64"
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/core"
)

// The notice cookie (adapters.CookieAdminNotice) carries an action's outcome across the redirect
// back to the page. It holds the notice and a MAC bound to the browser's sign-in handle (the
// CSRF token of a request naming the notice), so that nothing but this page's own actions can
// put words on it.

// noticeForm is what a notice's MAC covers: its purpose and the notice.
func noticeForm(notice string) []string { return []string{"oauthd admin notice v1", notice} }

// giveNotice sets the notice the next page view shows.
func giveNotice(c *fiber.Ctx, handle, notice string) {
	value := base64.RawURLEncoding.EncodeToString([]byte(notice)) + "." + core.FormToken(handle, noticeForm(notice)...)
	c.Cookie(&fiber.Cookie{Name: adapters.CookieAdminNotice, Value: value, Path: "/", MaxAge: 60, HTTPOnly: true,
		SameSite: "Strict", Secure: c.Protocol() == "https"})
}

// takeNotice returns the notice an action left for this page view, once, and clears it; a
// cookie this page did not set shows nothing.
func takeNotice(c *fiber.Ctx, handle string) string {
	value := c.Cookies(adapters.CookieAdminNotice)
	if value == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: adapters.CookieAdminNotice, Path: "/", MaxAge: -1, HTTPOnly: true, SameSite: "Strict"})
	encoded, mac, _ := strings.Cut(value, ".")
	notice, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil || !core.CheckFormToken(handle, noticeForm(string(notice)), mac) {
		return ""
	}
	return string(notice)
}
