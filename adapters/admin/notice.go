package admin

import (
	"encoding/base64"
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/core"
)

// noticeCookie carries an action's outcome across the redirect back to the page. It holds the
// notice and a MAC bound to the admin token (the CSRF token of a request naming the notice),
// so that nothing but this page's own actions can put words on it.
const noticeCookie = "oauthd_admin_notice"

// noticeForm is what a notice's MAC covers: its purpose and the notice.
func noticeForm(notice string) []string { return []string{"oauthd admin notice v1", notice} }

// giveNotice sets the notice the next page view shows.
func giveNotice(c *fiber.Ctx, token, notice string) {
	value := base64.RawURLEncoding.EncodeToString([]byte(notice)) + "." + core.FormToken(token, noticeForm(notice)...)
	c.Cookie(&fiber.Cookie{Name: noticeCookie, Value: value, Path: "/", MaxAge: 60, HTTPOnly: true,
		SameSite: "Strict", Secure: c.Protocol() == "https"})
}

// takeNotice returns the notice an action left for this page view, once, and clears it; a
// cookie this page did not set shows nothing.
func takeNotice(c *fiber.Ctx, token string) string {
	value := c.Cookies(noticeCookie)
	if value == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: noticeCookie, Path: "/", MaxAge: -1, HTTPOnly: true, SameSite: "Strict"})
	encoded, mac, _ := strings.Cut(value, ".")
	notice, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil || !core.CheckFormToken(token, noticeForm(string(notice)), mac) {
		return ""
	}
	return string(notice)
}
