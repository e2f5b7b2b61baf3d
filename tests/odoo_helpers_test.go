package tests

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// The Odoo dialect's fixtures: an owner who registered the app (as in the module, where every
// application belongs to one Odoo user) and another user who has to consent.
const (
	odooRedirect  = "https://127.0.0.1/callback"
	odooOwner     = "olga@example.com"
	odooOwnerPass = "olga-password"
	odooUser      = "ursula@example.com"
	odooUserPass  = "ursula-password"
	odooOAuth     = "/restapi/1.0/common/oauth2"
)

// odooEnv is a running server with the two users and an Odoo-style client: client_secret_post,
// owned by odooOwner, every grant, refresh rotation off (the module's behaviour).
type odooEnv struct {
	s      *Server
	client Client
}

func odooSetup(t *testing.T, opts ...Option) *odooEnv {
	t.Helper()
	s := StartServer(t, opts...)
	s.AddUser(t, odooOwner, odooOwnerPass, "Olga Owner")
	s.AddUser(t, odooUser, odooUserPass, "Ursula User")
	c := s.AddClient(t, "--name", "Odoo App", "--redirect-uri", odooRedirect, "--auth-method", "client_secret_post",
		"--owner", odooOwner, "--grant-type", "authorization_code,refresh_token,client_credentials",
		"--refresh-rotation", "off")
	return &odooEnv{s: s, client: c}
}

// odooDo sends req. Odoo's answers are JSON only when served as JSON, and then they must be a
// JSON object.
func odooDo(t *testing.T, hc *http.Client, req *http.Request) *Resp {
	t.Helper()
	r := SendRequest(t, hc, req)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		r.JSON = nil
	} else if err := json.Unmarshal(r.Raw, new(map[string]any)); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v: %s", req.Method, req.URL, err, r.Raw)
	}
	return r
}

func odooGet(t *testing.T, hc *http.Client, target string, hdr ...string) *Resp {
	t.Helper()
	return odooDo(t, hc, Request(t, http.MethodGet, target, nil, hdr...))
}

func odooPostForm(t *testing.T, hc *http.Client, target string, form url.Values, hdr ...string) *Resp {
	t.Helper()
	hdr = append([]string{"Content-Type", "application/x-www-form-urlencoded"}, hdr...)
	return odooDo(t, hc, Request(t, http.MethodPost, target, strings.NewReader(form.Encode()), hdr...))
}

// odooPostMultipart posts fields as multipart/form-data, as a browser's FormData does.
func odooPostMultipart(t *testing.T, hc *http.Client, target string, fields map[string]string, hdr ...string) *Resp {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	hdr = append([]string{"Content-Type", w.FormDataContentType()}, hdr...)
	return odooDo(t, hc, Request(t, http.MethodPost, target, &buf, hdr...))
}

// odooLogin logs in through Odoo's JSON-RPC entry point and returns a browser holding the
// session cookies.
func odooLogin(t *testing.T, s *Server, email, password string) *http.Client {
	t.Helper()
	hc := Browser(t)
	r := odooRPCLogin(t, hc, s, email, password)
	if res, _ := r.JSON["result"].(map[string]any); r.Status != http.StatusOK || res["username"] != email {
		t.Fatalf("odoo login %s: %d %s", email, r.Status, r.Raw)
	}
	return hc
}

func odooRPCLogin(t *testing.T, hc *http.Client, s *Server, email, password string) *Resp {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "call", "id": 7,
		"params": map[string]any{"db": "odoo", "login": email, "password": password}})
	return odooDo(t, hc, Request(t, http.MethodPost, s.URL+"/web/session/authenticate", bytes.NewReader(body),
		"Content-Type", "application/json"))
}

// odooHeader writes an `Authorization: OAuth` header in the docs' style: single quotes, with
// redirect_uri percent-encoded.
func odooHeader(pairs ...string) string {
	parts := make([]string, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		v := pairs[i+1]
		if pairs[i] == "redirect_uri" {
			v = url.QueryEscape(v)
		}
		parts = append(parts, pairs[i]+"='"+v+"'")
	}
	return "OAuth " + strings.Join(parts, ", ")
}

// odooAuthorizeQuery is a query-style authorize URL for the env's client.
func (e *odooEnv) authorizeQuery(extra ...string) string {
	q := url.Values{"client_id": {e.client.ID}, "redirect_uri": {odooRedirect}, "response_type": {"code"},
		"state": {"st-123"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return e.s.URL + odooOAuth + "/authorize?" + q.Encode()
}

// ownerCode gets a code the way a browser does, as the owner (who needs no consent).
func (e *odooEnv) ownerCode(t *testing.T, extra ...string) string {
	t.Helper()
	hc := odooLogin(t, e.s, odooOwner, odooOwnerPass)
	r := odooGet(t, hc, e.authorizeQuery(extra...))
	if r.Status != http.StatusFound {
		t.Fatalf("authorize: %d %s", r.Status, r.Raw)
	}
	code := r.Location(t).Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", r.Header.Get("Location"))
	}
	return code
}

// exchange redeems a code with form parameters, as Nango and NextAuth do.
func (e *odooEnv) exchange(t *testing.T, code string) *Resp {
	t.Helper()
	return odooPostForm(t, http.DefaultClient, e.s.URL+odooOAuth+"/access_token", url.Values{
		"client_id": {e.client.ID}, "client_secret": {e.client.Secret}, "code": {code},
		"grant_type": {"authorization_code"}, "redirect_uri": {odooRedirect}})
}

// ownerTokens runs the browser flow and the form exchange, returning the token response.
func (e *odooEnv) ownerTokens(t *testing.T, extra ...string) *Resp {
	t.Helper()
	r := e.exchange(t, e.ownerCode(t, extra...))
	if r.Status != http.StatusOK {
		t.Fatalf("exchange: %d %s", r.Status, r.Raw)
	}
	return r
}

// odooExpect fails unless the response has the status and every key/value of want (numbers
// as float64 and lists as []any, the way JSON decodes).
func odooExpect(t *testing.T, r *Resp, status int, want map[string]any) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	for k, v := range want {
		if got, ok := r.JSON[k]; !ok || !reflect.DeepEqual(got, v) {
			t.Fatalf("%s = %#v, want %#v in %s", k, r.JSON[k], v, r.Raw)
		}
	}
}

// odooJSONHeaders checks the content type every restapi answer carries.
func odooJSONHeaders(t *testing.T, r *Resp) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("Cache-Control %q, want no-store", cc)
	}
}

// odooXML is a dicttoxml-style document: elements with a type attribute, lists of <item>.
type odooXML struct {
	XMLName xml.Name
	Type    string    `xml:"type,attr"`
	Text    string    `xml:",chardata"`
	Items   []odooXML `xml:",any"`
}

func (x odooXML) child(name string) (odooXML, bool) {
	for _, c := range x.Items {
		if c.XMLName.Local == name {
			return c, true
		}
	}
	return odooXML{}, false
}

func odooMustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
