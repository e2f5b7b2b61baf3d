package tests

// Requests the tests send over HTTP and the answers read whole, shared by every suite.

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// Resp is an HTTP answer read whole; JSON is its body decoded when it is a JSON object.
type Resp struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any // nil when the body is not a JSON object
}

// NewResp makes a Resp of an answer already read.
func NewResp(status int, header http.Header, raw []byte) *Resp {
	r := &Resp{Status: status, Header: header, Raw: raw}
	_ = json.Unmarshal(raw, &r.JSON)
	return r
}

// ReadResp reads and closes res's body. The Resp holds what was read even when err is set.
func ReadResp(res *http.Response) (*Resp, error) {
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return NewResp(res.StatusCode, res.Header, raw), err
}

// Str is a string value of the JSON body ("" when missing or not a string).
func (r *Resp) Str(key string) string {
	s, _ := r.JSON[key].(string)
	return s
}

// Keys are the JSON body's keys, sorted.
func (r *Resp) Keys() []string {
	out := make([]string, 0, len(r.JSON))
	for k := range r.JSON {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Location is the redirect target, parsed; the answer must be a 302 with a Location.
func (r *Resp) Location(t testing.TB) *url.URL {
	t.Helper()
	loc := r.Header.Get("Location")
	u, err := url.Parse(loc)
	if r.Status != http.StatusFound || err != nil || loc == "" {
		t.Fatalf("want a 302 with a Location, got %d %q: %s", r.Status, loc, r.Raw)
	}
	return u
}

// String is the status and the start of the body, for messages.
func (r *Resp) String() string {
	body := string(r.Raw)
	if len(body) > 300 {
		body = body[:300] + "…"
	}
	return fmt.Sprintf("%d %s", r.Status, body)
}

// NoRedirect is a cookieless client that shows every redirect instead of following it.
var NoRedirect = &http.Client{Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Do sends a request and reads the whole answer, without a test (for goroutines); hc nil is
// NoRedirect.
func Do(hc *http.Client, req *http.Request) (*Resp, error) {
	if hc == nil {
		hc = NoRedirect
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	r, err := ReadResp(res)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Request builds a request; hdr holds header name/value pairs.
func Request(t testing.TB, method, target string, body io.Reader, hdr ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return req
}

// SendRequest sends req with hc (nil: NoRedirect) and reads the whole answer.
func SendRequest(t testing.TB, hc *http.Client, req *http.Request) *Resp {
	t.Helper()
	r, err := Do(hc, req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return r
}

// Send sends a request with hc (nil: NoRedirect) and reads the whole answer; hdr holds header
// name/value pairs.
func Send(t testing.TB, hc *http.Client, method, target string, body io.Reader, hdr ...string) *Resp {
	t.Helper()
	return SendRequest(t, hc, Request(t, method, target, body, hdr...))
}

// SendForm is Send with an url-encoded form as the body; a nil form sends no body.
func SendForm(t testing.TB, hc *http.Client, method, target string, form url.Values, hdr ...string) *Resp {
	t.Helper()
	if form == nil {
		return Send(t, hc, method, target, nil, hdr...)
	}
	hdr = append([]string{"Content-Type", "application/x-www-form-urlencoded"}, hdr...)
	return Send(t, hc, method, target, strings.NewReader(form.Encode()), hdr...)
}

// hiddenInput is a hidden field of a page's form, as the server renders it.
var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// hiddenFields are the hidden fields of a page's forms.
func hiddenFields(page []byte) url.Values {
	v := url.Values{}
	for _, m := range hiddenInput.FindAllSubmatch(page, -1) {
		v.Set(html.UnescapeString(string(m[1])), html.UnescapeString(string(m[2])))
	}
	return v
}
