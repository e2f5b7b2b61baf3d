package checker

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// session is the two parties of a flow on one server, neither following redirects (each is
// a step's answer): the user's browser, with its cookies, and the client application's
// backend, with none, as a real app calls the token endpoint and APIs (Frappe would demand
// its CSRF token from a POST that carried the browser's session).
type session struct {
	ctx              context.Context
	opt              Options
	base             *url.URL
	browser, backend *http.Client
}

func newSession(ctx context.Context, opt Options) (*session, error) {
	base, err := url.Parse(strings.TrimRight(opt.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) URL", opt.BaseURL)
	}
	jar, _ := cookiejar.New(nil) // never fails without options
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &session{ctx: ctx, opt: opt, base: base,
		browser: &http.Client{Jar: jar, Timeout: opt.Timeout, CheckRedirect: noRedirect},
		backend: &http.Client{Timeout: opt.Timeout, CheckRedirect: noRedirect}}, nil
}

// request is what a step sends. Path may carry a query; Form is sent url-encoded, JSON as a
// JSON body; Header holds name/value pairs. Browser requests carry the user's cookies.
type request struct {
	Method, Path string
	Form         url.Values
	JSON         any
	Header       []string
	Browser      bool
}

// answer is what came back; err is set when nothing did (refused, reset, timed out).
type answer struct {
	status      int
	contentType string
	location    string
	body        []byte
	json        map[string]any // numbers as json.Number; nil unless the body is a JSON object
	err         error
}

// exchange is a request as the report shows it, where it went, and the answer it got.
type exchange struct {
	req, target string
	ans         *answer
}

// Browser-like headers: pages and redirects for the authorize steps, JSON for API calls.
var (
	acceptHTML = []string{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
	acceptJSON = []string{"Accept", "application/json"}
)

func (s *session) do(r request) exchange {
	target := s.base.String() + r.Path
	if strings.HasPrefix(r.Path, "http://") || strings.HasPrefix(r.Path, "https://") {
		target = r.Path
	}
	var body io.Reader
	contentType := ""
	switch {
	case r.Form != nil:
		body, contentType = strings.NewReader(r.Form.Encode()), "application/x-www-form-urlencoded"
	case r.JSON != nil:
		b, _ := json.Marshal(r.JSON)
		body, contentType = bytes.NewReader(b), "application/json"
	}
	x := exchange{req: describeRequest(r, s.base), target: target}
	req, err := http.NewRequestWithContext(s.ctx, r.Method, target, body)
	if err != nil {
		x.ans = &answer{err: err}
		return x
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(r.Header); i += 2 {
		req.Header.Set(r.Header[i], r.Header[i+1])
	}
	hc := s.backend
	if r.Browser {
		hc = s.browser
	}
	x.ans = send(hc, req)
	return x
}

func send(hc *http.Client, req *http.Request) *answer {
	res, err := hc.Do(req)
	if err != nil {
		return &answer{err: err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	a := &answer{status: res.StatusCode, contentType: res.Header.Get("Content-Type"),
		location: res.Header.Get("Location"), body: raw, err: err}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&a.json) != nil {
		a.json = nil
	}
	return a
}

// str is a string field of a JSON answer ("" when absent or not a string).
func (a *answer) str(key string) string {
	s, _ := a.json[key].(string)
	return s
}

func (a *answer) keys() []string {
	out := make([]string, 0, len(a.json))
	for k := range a.json {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// describe is the answer as the report shows it: status, content type, Location and the start
// of the body, tokens in it masked.
func (a *answer) describe() string {
	if a.err != nil {
		return "no answer: " + a.err.Error()
	}
	out := fmt.Sprintf("%d %s", a.status, a.contentType)
	if a.location != "" {
		out += " Location: " + maskURL(a.location)
	}
	if body := strings.TrimSpace(string(a.body)); body != "" {
		body = maskJSONTokens(body)
		if len(body) > 300 {
			body = body[:300] + "…"
		}
		out += " " + strings.Join(strings.Fields(body), " ")
	}
	return out
}

// Values never shown whole: passwords and secrets not at all, tokens and codes by their start.
var (
	hidden = []string{"password", "pwd", "client_secret"}
	shown  = []string{"code", "token", "access_token", "refresh_token", "id_token"}
)

func mask(key, value string) string {
	switch {
	case slices.Contains(hidden, key):
		return "***"
	case slices.Contains(shown, key) && len(value) > 6:
		return value[:6] + "…"
	}
	return value
}

func maskValues(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		for _, val := range v[k] {
			parts = append(parts, k+"="+mask(k, val))
		}
	}
	return strings.Join(parts, "&")
}

func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return raw
	}
	u.RawQuery = maskValues(u.Query())
	return u.String()
}

var jsonToken = regexp.MustCompile(`"(access_token|refresh_token|id_token|code)"\s*:\s*"([^"]{6})[^"]*"`)

func maskJSONTokens(body string) string { return jsonToken.ReplaceAllString(body, `"$1":"$2…"`) }

// oauthHeaderValue masks the secret parts of an `Authorization: OAuth k='v'` header.
var oauthPair = regexp.MustCompile(`(\w+)='([^']*)'`)

func describeHeader(name, value string) string {
	scheme, rest, _ := strings.Cut(value, " ")
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return name + ": " + scheme + " " + mask("token", rest)
	case strings.EqualFold(scheme, "OAuth"):
		return name + ": " + oauthPair.ReplaceAllStringFunc(value, func(p string) string {
			m := oauthPair.FindStringSubmatch(p)
			return m[1] + "='" + mask(m[1], m[2]) + "'"
		})
	}
	return name + ": " + value
}

func describeRequest(r request, base *url.URL) string {
	out := r.Method + " " + maskURL(strings.TrimPrefix(r.Path, base.String()))
	for i := 0; i+1 < len(r.Header); i += 2 {
		if name := r.Header[i]; name != "Accept" {
			out += "; " + describeHeader(name, r.Header[i+1])
		}
	}
	switch {
	case len(r.Form) > 0:
		out += "; form: " + maskValues(r.Form)
	case r.Form != nil:
		out += "; an empty form"
	case r.JSON != nil:
		out += "; JSON body"
	}
	return out
}

// clientForm is a form of the name/value pairs kv with the client's credentials in the body,
// as both documents send them: client_id, and client_secret when the client has one.
func (s *session) clientForm(kv ...string) url.Values {
	v := url.Values{"client_id": {s.opt.ClientID}}
	if s.opt.ClientSecret != "" {
		v.Set("client_secret", s.opt.ClientSecret)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// nonce is a random value for state parameters and for codes and tokens no server issued.
func nonce(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)[:n]
}
