package frappe

import (
	"bytes"
	"encoding/json"
	"io"
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
// The messages name no parameter: a name is whatever the request chose, and echoing it would
// let anyone put their words on this server's error pages.
var (
	errDuplicate = invalidRequest("Duplicate parameter.")
	errNotUTF8   = invalidRequest("A parameter is not valid UTF-8.")
)

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
				bad = errDuplicate
			} else if !utf8.Valid(k) || !utf8.Valid(v) {
				bad = errNotUTF8
			}
			out[name] = string(v)
		})
	}
	if bad != nil {
		return nil, bad
	}
	return out, nil
}

// bodyParams are the form body's parameters: application/x-www-form-urlencoded or
// multipart/form-data (FormData from browsers and React Native), both of which Frappe reads
// through werkzeug's form. Any other content type gives none.
func bodyParams(c *fiber.Ctx) (map[string]string, *core.Error) {
	return readParams(c, false, false)
}

// requestParams are the query string's and the form body's parameters together, as Frappe's
// form_dict merges them.
func requestParams(c *fiber.Ctx) (map[string]string, *core.Error) {
	return readParams(c, true, false)
}

// dictParams are requestParams (withQuery) or bodyParams, plus a JSON object body, for the
// methods that read Frappe's form_dict, which also takes JSON.
func dictParams(c *fiber.Ctx, withQuery bool) (map[string]string, *core.Error) {
	return readParams(c, withQuery, true)
}

func readParams(c *fiber.Ctx, withQuery, withJSON bool) (map[string]string, *core.Error) {
	var lists []*fasthttp.Args
	if withQuery {
		lists = append(lists, c.Context().QueryArgs())
	}
	body, err := bodyArgs(c, withJSON)
	if err != nil {
		return nil, err
	}
	return params(append(lists, body)...)
}

// bodyArgs turns the body into one argument list by its content type.
func bodyArgs(c *fiber.Ctx, withJSON bool) (*fasthttp.Args, *core.Error) {
	ct := strings.ToLower(string(c.Request().Header.ContentType()))
	switch {
	case strings.HasPrefix(ct, "multipart/form-data"):
		return multipartArgs(c)
	case withJSON && strings.HasPrefix(ct, fiber.MIMEApplicationJSON):
		return jsonArgs(c.Body())
	}
	return c.Context().PostArgs(), nil
}

// multipartArgs are a multipart body's fields, repeats kept so that params refuses them.
// Uploaded files are not parameters and are left out.
func multipartArgs(c *fiber.Ctx) (*fasthttp.Args, *core.Error) {
	form, err := c.Context().MultipartForm()
	if err != nil {
		return nil, invalidRequest("The multipart body cannot be read.")
	}
	args := &fasthttp.Args{}
	for name, values := range form.Value {
		for _, v := range values {
			args.Add(name, v)
		}
	}
	return args, nil
}

// jsonArgs are a JSON body's members. Only an object of strings is accepted: a number, a list
// or null has no form equivalent, and a member given twice is refused like a repeated
// parameter (encoding/json would silently keep the last one).
func jsonArgs(body []byte) (*fasthttp.Args, *core.Error) {
	bad := invalidRequest("The JSON body must be an object of string values.")
	if !utf8.Valid(body) {
		return nil, invalidRequest("The JSON body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, bad
	}
	args := &fasthttp.Args{}
	for dec.More() {
		name, err := dec.Token()
		if err != nil {
			return nil, bad
		}
		value, err := dec.Token()
		v, isString := value.(string)
		if err != nil || !isString {
			return nil, bad
		}
		args.Add(name.(string), v) // a key is always a string token inside an object
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, bad
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad // trailing data after the object
	}
	return args, nil
}
