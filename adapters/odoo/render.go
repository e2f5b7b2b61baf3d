package odoo

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/core"
)

// mimeXML is what the module's JSON & XML edition labels its XML with.
const mimeXML = "application/xml"

// render writes every restapi answer, success or error, so they all negotiate the same way:
// XML when the caller's most preferred type is XML, JSON (labelled as such, unlike the
// module) otherwise. Keys come out sorted in both, so the order is stable. Nothing here may
// be cached: the bodies carry codes, tokens and personal data.
func render(c *fiber.Ctx, status int, body map[string]any) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderPragma, "no-cache")
	if prefersXML(c.Get(fiber.HeaderAccept)) {
		out, err := encodeXML(body)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeXML)
		return c.Status(status).Send(out)
	}
	out, err := json.Marshal(body) // maps marshal with sorted keys
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Status(status).Send(out)
}

// prefersXML reports whether the Accept header's most preferred media range (highest q, the
// first on a tie) is application/xml or text/xml. A browser's Accept lists XML too, but after
// text/html, so it still gets JSON.
func prefersXML(accept string) bool {
	best, bestQ := "", 0.0
	for _, part := range strings.Split(accept, ",") {
		typ, params, _ := strings.Cut(part, ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(p, "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if q > bestQ {
			best, bestQ = strings.ToLower(strings.TrimSpace(typ)), q
		}
	}
	return best == "application/xml" || best == "text/xml"
}

// encodeXML writes body the way dicttoxml does: one element per key with a type attribute
// (str, int, float, bool, null, list of <item>), under <root>. encoding/xml escapes every
// value and replaces characters XML cannot carry. Keys are the server's own identifiers, so
// they are valid element names.
func encodeXML(body map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	root := xml.StartElement{Name: xml.Name{Local: "root"}}
	if err := enc.EncodeToken(root); err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(body) {
		if err := encodeXMLValue(enc, k, body[k]); err != nil {
			return nil, err
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return nil, err
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func encodeXMLValue(enc *xml.Encoder, name string, v any) error {
	typ, text, items := "str", "", []any(nil)
	switch v := v.(type) {
	case nil:
		typ = "null"
	case string:
		text = v
	case bool:
		typ, text = "bool", strconv.FormatBool(v)
	case int, int64, uint:
		typ, text = "int", fmt.Sprint(v)
	case float64:
		typ, text = "float", strconv.FormatFloat(v, 'g', -1, 64)
	case []string:
		typ = "list"
		for _, s := range v {
			items = append(items, s)
		}
	case []any:
		typ, items = "list", v
	default:
		return fmt.Errorf("odoo: cannot write %T as XML", v)
	}
	start := xml.StartElement{Name: xml.Name{Local: name}, Attr: []xml.Attr{{Name: xml.Name{Local: "type"}, Value: typ}}}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	if text != "" {
		if err := enc.EncodeToken(xml.CharData(text)); err != nil {
			return err
		}
	}
	for _, item := range items {
		if err := encodeXMLValue(enc, "item", item); err != nil {
			return err
		}
	}
	return enc.EncodeToken(start.End())
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// failure is an error in the module's shape, {"code": status, "message": ...}, optionally with
// RFC 6749's error and error_description beside it for clients that read those.
type failure struct {
	status      int
	message     string
	oauthCode   string // "" leaves error and error_description out
	description string
}

func (f *failure) body() map[string]any {
	b := map[string]any{"code": f.status, "message": f.message}
	if f.oauthCode != "" {
		b["error"], b["error_description"] = f.oauthCode, f.description
	}
	return b
}

// fail renders a failure.
func fail(c *fiber.Ctx, f *failure) error { return render(c, f.status, f.body()) }

// moduleFailure is a failure with the module's status and message for an error the core
// raised; description and error code come from the core.
func moduleFailure(status int, message string, e *core.Error) *failure {
	return &failure{status: status, message: message, oauthCode: e.Code, description: e.Description}
}

// unavailable is the answer when the store did not respond.
func unavailable(e *core.Error) *failure {
	return moduleFailure(fiber.StatusServiceUnavailable, "Service Unavailable", e)
}
