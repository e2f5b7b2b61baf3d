package checker

import (
	"encoding/json"
	"fmt"
	"mime"
	"regexp"
	"slices"
	"strings"
)

// Step is a row of the table. A step exists in one dialect or both.
type Step struct {
	ID, Title string
}

// Steps are the rows, in the order the table shows them.
var Steps = []Step{
	{"login", "log in (session)"},
	{"authorize", "authorize (query)"},
	{"authorize_header", "authorize (OAuth header)"},
	{"consent_allow", "consent: Allow"},
	{"consent_deny", "consent: Deny -> access_denied"},
	{"token_code", "token: code (form)"},
	{"token_code_header", "token: code (OAuth header)"},
	{"bearer", "bearer call (Authorization)"},
	{"bearer_misspelt", "bearer call (Authorizaton)"},
	{"userinfo", "userinfo"},
	{"refresh", "token: refresh_token"},
	{"revoke", "revoke (token only)"},
	{"revoked_refused", "revoked token refused"},
	{"error_unknown_client", "error: unknown client_id"},
	{"error_redirect_mismatch", "error: redirect_uri mismatch"},
	{"error_bad_secret", "error: wrong client_secret"},
	{"error_unknown_code", "error: unknown code"},
	{"error_code_reused", "error: code used twice"},
	{"error_bad_refresh", "error: unknown refresh_token"},
	{"error_bad_bearer", "error: unknown bearer token"},
	{"error_revoke_no_token", "error: revoke without token"},
}

func title(step string) string {
	for _, s := range Steps {
		if s.ID == step {
			return s.Title
		}
	}
	return step
}

// kind is the JSON type a documented field has.
type kind int

const (
	str kind = iota + 1
	num
	obj
	validity // Odoo's access_token_validity: the document's date string, or the module's seconds
)

// field is a documented key of a JSON answer, with its value when the document fixes it.
type field struct {
	name  string
	kind  kind
	value any // nil: any value of the kind
}

// shape is a documented answer: its status, a JSON object of these fields, and where the
// document says so.
type shape struct {
	source string
	status []int // the first is the documented one; the others are known real variants
	fields []field
}

// The documented answers, each once. Sources: the seed documents 000-003, and what real
// Frappe and the real REST API module answer where the documents say nothing (the project's
// research notes on both: frappe.md §1.1, §1.3, §1.11, §3.5; odoo.md §3.2, §3.3, §3.6, §5).
var (
	frappeLoginShape = shape{"Frappe's login API", []int{200}, []field{{"message", str, "Logged In"}}}
	frappeTokenShape = shape{"seed 000: Frappe's Using OAuth", []int{200}, []field{{"access_token", str, nil}, {"token_type", str, nil},
		{"expires_in", num, nil}, {"refresh_token", str, nil}, {"scope", str, nil}}}
	frappeUserShape   = shape{"Frappe's get_logged_user", []int{200}, []field{{"message", str, nil}}}
	frappeRevokeShape = shape{"seed 000: Frappe's Using OAuth", []int{200}, []field{{"message", str, "success"}}}
	frappeBadRevoke   = shape{"seed 000: Frappe's Using OAuth", []int{400}, []field{{"message", str, "bad request"}}}
	// Frappe v15+ answers a refused bearer token 401, v14 403.
	frappeRefused      = shape{"Frappe v15+, v14", []int{401, 403}, nil}
	frappeInvalidGrant = shape{"Frappe's get_token (oauthlib)", []int{400}, []field{{"error", str, "invalid_grant"}}}
	frappeAuthorizeErr = shape{"Frappe's authorize errors", []int{400}, []field{{"description", str, nil},
		{"status_code", num, nil}, {"error", str, "invalid_request"}}}

	odooSessionShape = shape{"Odoo JSON-RPC /web/session/authenticate", []int{200},
		[]field{{"jsonrpc", str, "2.0"}, {"result", obj, nil}}}
	odooCodeShape  = shape{"seed 003: the REST API module's OAuth2 page", []int{200}, []field{{"code", str, nil}, {"state", str, nil}}}
	odooTokenShape = shape{"seed 003 (a date), the module's code (seconds)", []int{200}, []field{{"access_token", str, nil},
		{"token_type", str, nil}, {"access_token_validity", validity, nil}, {"refresh_token", str, nil}}}
	odooUserinfoShape = shape{"OpenID Connect userinfo, which NextAuth-built clients expect (the module has none)", []int{200},
		[]field{{"sub", str, nil}}}
)

// odooError is one of the module's error answers (odoo.md §3.2, §3.3, §3.6).
func odooError(status int, message string) shape {
	return shape{"the REST API module's code", []int{status}, []field{{"code", num, float64(status)}, {"message", str, message}}}
}

// describe is the documented answer in a line, for the report.
func (s shape) describe() string {
	var parts []string
	for _, f := range s.fields {
		if f.value != nil {
			v, _ := json.Marshal(f.value)
			parts = append(parts, fmt.Sprintf("%q:%s", f.name, v))
		} else {
			parts = append(parts, fmt.Sprintf("%q:<%s>", f.name, f.kind))
		}
	}
	status := fmt.Sprint(s.status[0])
	for _, alt := range s.status[1:] {
		status += fmt.Sprintf(" (or %d)", alt)
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%s (%s)", status, s.source)
	}
	return fmt.Sprintf("%s {%s} (%s)", status, strings.Join(parts, ", "), s.source)
}

func (k kind) String() string {
	switch k {
	case str:
		return "string"
	case num:
		return "number"
	case obj:
		return "object"
	default:
		return "M/D/YYYY H:MM:SS or seconds"
	}
}

// validityDate is the document's access_token_validity, '7/20/2017 12:00:05'.
var validityDate = regexp.MustCompile(`^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2}$`)

// compare lists how an answer differs from the shape: the status, a JSON content type, each
// field's presence, type and fixed value. It never fails a step by itself: the flows decide
// what did not work.
func (s shape) compare(a *answer) []string {
	var out []string
	if !slices.Contains(s.status, a.status) {
		out = append(out, fmt.Sprintf("status %d (document: %d)", a.status, s.status[0]))
	}
	if len(s.fields) == 0 {
		return out
	}
	if mt, _, _ := mime.ParseMediaType(a.contentType); mt != "application/json" {
		out = append(out, fmt.Sprintf("Content-Type %q (document: application/json)", a.contentType))
	}
	if a.json == nil {
		return append(out, "the body is not a JSON object")
	}
	missing := false
	for _, f := range s.fields {
		if d := f.compare(a.json); d != "" {
			out = append(out, d)
			_, found := a.json[f.name]
			missing = missing || !found
		}
	}
	if missing { // a renamed field shows among these
		out = append(out, "the answer's fields: "+strings.Join(a.keys(), ", "))
	}
	return out
}

func (f field) compare(m map[string]any) string {
	v, ok := m[f.name]
	if !ok {
		return fmt.Sprintf("%s: missing", f.name)
	}
	switch f.kind {
	case str:
		if _, ok := v.(string); !ok {
			return fmt.Sprintf("%s: %s, not a string", f.name, jsonText(v))
		}
	case num:
		if _, ok := v.(json.Number); !ok {
			return fmt.Sprintf("%s: %s, not a number", f.name, jsonText(v))
		}
	case obj:
		if _, ok := v.(map[string]any); !ok {
			return fmt.Sprintf("%s: %s, not an object", f.name, jsonText(v))
		}
	case validity:
		s, isStr := v.(string)
		if _, isNum := v.(json.Number); !isNum && !(isStr && validityDate.MatchString(s)) {
			return fmt.Sprintf("%s: %s, neither the document's M/D/YYYY H:MM:SS nor whole seconds", f.name, jsonText(v))
		}
	}
	if f.value != nil && !sameValue(v, f.value) {
		return fmt.Sprintf("%s: %s (document: %s)", f.name, jsonText(v), jsonText(f.value))
	}
	return ""
}

// sameValue compares a decoded value (numbers as json.Number) with a documented one.
func sameValue(got, want any) bool {
	if n, ok := got.(json.Number); ok {
		f, err := n.Float64()
		return err == nil && f == want
	}
	return got == want
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
