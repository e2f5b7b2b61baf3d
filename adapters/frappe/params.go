package frappe

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"oauthd/core"
)

// params reads request parameters from argument lists (query string, form body). A name given
// twice is refused even with equal values, as oauthlib refuses it for Frappe: a proxy, a log
// and this server could each read a different copy. Bytes that are not UTF-8 are refused too:
// no valid parameter has them, and MySQL would fail on storing them.
func params(lists ...*fasthttp.Args) (map[string]string, *core.Error) {
	out := map[string]string{}
	var bad *core.Error
	for _, args := range lists {
		args.VisitAll(func(k, v []byte) {
			if bad != nil {
				return
			}
			name := strings.ToValidUTF8(string(k), "\uFFFD")
			if _, dup := out[name]; dup {
				bad = invalidRequest("Duplicate " + name + " parameter.")
			} else if !utf8.Valid(k) || !utf8.Valid(v) {
				bad = invalidRequest("Parameter " + name + " is not valid UTF-8.")
			}
			out[name] = string(v)
		})
	}
	if bad != nil {
		return nil, bad
	}
	return out, nil
}

// bodyParams are an application/x-www-form-urlencoded body's parameters (none for any other
// content type).
func bodyParams(c *fiber.Ctx) (map[string]string, *core.Error) {
	return params(c.Context().PostArgs())
}

// requestParams are the query string's and the form body's parameters together, as Frappe's
// form_dict merges them.
func requestParams(c *fiber.Ctx) (map[string]string, *core.Error) {
	return params(c.Context().QueryArgs(), c.Context().PostArgs())
}
