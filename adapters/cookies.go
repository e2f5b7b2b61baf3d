package adapters

import "strings"

// The cookies oauthd sets on browsers, named once: the built-in proxy keeps every one of them
// from its upstreams both ways (OwnCookies, OwnCookie).
const (
	// CookieSID and CookieSessionID are Frappe's and Odoo's names of the browser session; a
	// login through either dialect sets both.
	CookieSID       = "sid"
	CookieSessionID = "session_id"
	// CookieUserID and CookieFullName are Frappe's informational cookies (the email and name).
	CookieUserID   = "user_id"
	CookieFullName = "full_name"
	// CookieAdmin holds the admin page's sign-in handle, and CookieAdminNotice an admin action's
	// outcome across a redirect. Cookies ignore ports, so the admin listener's reach every
	// listener on its host name.
	CookieAdmin       = "oauthd_admin"
	CookieAdminNotice = "oauthd_admin_notice"
)

// OwnCookies lists the names of the cookies oauthd sets.
var OwnCookies = []string{CookieSID, CookieSessionID, CookieUserID, CookieFullName, CookieAdmin, CookieAdminNotice}

// OwnCookie reports whether a cookie name is one of oauthd's, compared loosely: without the
// surrounding white space browsers drop from a Set-Cookie name, and in any case.
func OwnCookie(name string) bool {
	name = strings.TrimSpace(name)
	for _, own := range OwnCookies {
		if strings.EqualFold(name, own) {
			return true
		}
	}
	return false
}
