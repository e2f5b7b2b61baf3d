// Package compat holds the small, pure parsing helpers shared by the two
// protocol dialects oauthd speaks (the Frappe-style and the Odoo "restapi"
// style). Everything here is stdlib-only and free of Fiber/GORM so that it can
// be tested and fuzzed in isolation: these functions sit directly on
// attacker-controlled input (headers, query strings, form bodies) and must
// never panic.
package compat
