package checker

import (
	"bytes"
	"errors"
	"html"
	"net/url"
	"regexp"
	"strings"

	xhtml "golang.org/x/net/html"
)

// decision is what clicking Allow or Deny on a consent page does: submit a form, run a
// script that navigates (Frappe's template: window.location.replace), or post with the CSRF
// token Frappe's pages carry.
type decision struct {
	method string     // GET or POST
	target *url.URL   // absolute
	form   url.Values // POST body
	csrf   string     // sent as X-Frappe-CSRF-Token too
}

// consentPage is a parsed consent page: how to allow and how to deny.
type consentPage struct {
	allow, deny *decision
}

// control is a form's field or button.
type control struct {
	name, value, id, text string
	submit                bool
}

type form struct {
	action, method string
	controls       []control
}

// Words on the buttons of consent pages.
var (
	allowWords = []string{"allow", "approve", "authorize", "accept"}
	denyWords  = []string{"deny", "cancel", "reject", "decline"}
)

// parseConsent reads a page as a browser would and finds the Allow and Deny actions: a form
// with such buttons (oauthd, Frappe's newest approve by POST), or the click handlers of
// Frappe's template, which navigate to its success_url and failure_url.
func parseConsent(body []byte, page *url.URL) (*consentPage, error) {
	doc, err := xhtml.Parse(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	var forms []*form
	var scripts strings.Builder
	csrf := ""
	var walk func(n *xhtml.Node, f *form)
	walk = func(n *xhtml.Node, f *form) {
		if n.Type == xhtml.ElementNode {
			switch n.Data {
			case "form":
				f = &form{action: attr(n, "action"), method: strings.ToUpper(attr(n, "method"))}
				forms = append(forms, f)
			case "input", "button":
				c := readControl(n)
				if c.name == "csrf_token" {
					csrf = c.value
				}
				if f != nil {
					f.controls = append(f.controls, c)
				}
			case "script":
				scripts.WriteString(text(n) + "\n")
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch, f)
		}
	}
	walk(doc, nil)
	if csrf == "" {
		if m := scriptCSRF.FindStringSubmatch(scripts.String()); m != nil {
			csrf = m[1]
		}
	}
	p := &consentPage{}
	for _, f := range forms {
		if p.allow == nil {
			p.allow = f.submit(allowWords, page)
		}
		if p.deny == nil {
			p.deny = f.submit(denyWords, page)
		}
	}
	if p.allow == nil {
		p.allow = scriptAction(scripts.String(), "allow", page, csrf)
	}
	if p.deny == nil {
		p.deny = scriptAction(scripts.String(), "deny", page, csrf)
	}
	if p.allow == nil {
		return nil, errors.New("no Allow button: the page is no consent page this check can read")
	}
	return p, nil
}

func readControl(n *xhtml.Node) control {
	typ := strings.ToLower(attr(n, "type"))
	c := control{name: attr(n, "name"), value: attr(n, "value"), id: attr(n, "id"), text: strings.TrimSpace(text(n))}
	c.submit = typ == "submit" || (n.Data == "button" && typ == "")
	if n.Data == "input" && (typ == "checkbox" || typ == "radio") && !hasAttr(n, "checked") {
		c.name = "" // an unchecked box sends nothing
	}
	return c
}

// submit is the decision of clicking the form's button that says one of words: the form's
// named fields and that button's own name and value.
func (f *form) submit(words []string, page *url.URL) *decision {
	var clicked *control
	for i, c := range f.controls {
		if c.submit && says(words, c.id, c.value, c.text) {
			clicked = &f.controls[i]
			break
		}
	}
	if clicked == nil {
		return nil
	}
	values := url.Values{}
	for _, c := range f.controls {
		if c.name != "" && !c.submit {
			values.Add(c.name, c.value)
		}
	}
	if clicked.name != "" {
		values.Add(clicked.name, clicked.value)
	}
	target, err := page.Parse(f.action)
	if err != nil {
		return nil
	}
	d := &decision{method: "GET", target: target, form: values}
	if f.method == "POST" {
		d.method = "POST"
	} else {
		q := target.Query()
		for k, vs := range values {
			q[k] = vs
		}
		target.RawQuery, d.form = q.Encode(), nil
	}
	return d
}

// Frappe's template: $('#allow').on('click', ... window.location.replace("{{ success_url }}")).
var scriptCSRF = regexp.MustCompile(`csrf_token\s*[:=]\s*["']([^"']+)["']`)

func scriptAction(js, button string, page *url.URL, csrf string) *decision {
	re := regexp.MustCompile(`#` + button + `["']\s*\)[\s\S]*?location\.(?:replace|assign|href\s*=)\s*\(?\s*["']([^"']+)["']`)
	m := re.FindStringSubmatch(js)
	if m == nil {
		return nil
	}
	raw := html.UnescapeString(strings.NewReplacer(`\/`, `/`, `\u0026`, `&`, `\x26`, `&`).Replace(m[1]))
	target, err := page.Parse(raw)
	if err != nil {
		return nil
	}
	if csrf != "" { // Frappe's newest approve takes POST only, with the page's CSRF token
		return &decision{method: "POST", target: target, form: url.Values{"csrf_token": {csrf}}, csrf: csrf}
	}
	return &decision{method: "GET", target: target}
}

func says(words []string, texts ...string) bool {
	for _, t := range texts {
		t = strings.ToLower(t)
		for _, w := range words {
			if t == w || strings.HasPrefix(t, w+" ") || strings.HasSuffix(t, " "+w) {
				return true
			}
		}
	}
	return false
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *xhtml.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func text(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
