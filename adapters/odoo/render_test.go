package odoo

import (
	"encoding/json"
	"testing"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/adaptertest"
	"oauthd/core"
)

func TestEncodeXML(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"empty", map[string]any{}, `<root></root>`},
		{"types, sorted keys", map[string]any{"s": "x", "i": 7, "i64": int64(-3), "u": uint(9), "b": true, "f": 1.5,
			"n": nil, "e": ""},
			`<root><b type="bool">true</b><e type="str"></e><f type="float">1.5</f><i type="int">7</i>` +
				`<i64 type="int">-3</i64><n type="null"></n><s type="str">x</s><u type="int">9</u></root>`},
		{"escaping", map[string]any{"message": `<a href="x">&'</a>`},
			`<root><message type="str">&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;</message></root>`},
		{"characters XML cannot carry", map[string]any{"s": "a\x00b"}, "<root><s type=\"str\">a\uFFFDb</s></root>"},
		{"lists", map[string]any{"roles": []string{"A", "<B>"}, "info": []any{1, "final", false, nil}},
			`<root><info type="list"><item type="int">1</item><item type="str">final</item>` +
				`<item type="bool">false</item><item type="null"></item></info>` +
				`<roles type="list"><item type="str">A</item><item type="str">&lt;B&gt;</item></roles></root>`},
	} {
		got, err := encodeXML(tc.body)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + tc.want; string(got) != want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, want)
		}
	}
	if _, err := encodeXML(map[string]any{"m": map[string]any{}}); err == nil {
		t.Error("a nested map was written as XML")
	}
}

// Every body the dialect renders must be writable as XML; userinfo's claims are the richest.
func TestEncodeXMLClaims(t *testing.T) {
	t.Parallel()
	for _, roles := range [][]string{nil, {"System Manager"}} {
		p := &core.Principal{Email: "a@example.com", FullName: "Alice Doe", Roles: roles, Subject: "s",
			Scopes: []string{"openid"}}
		claims := (&core.Introspection{Principal: p}).Claims("http://issuer")
		if _, err := encodeXML(claims); err != nil {
			t.Errorf("claims with roles %q: %v", roles, err)
		}
	}
}

func TestPrefersXML(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		accept string
		want   bool
	}{
		{"application/xml", true},
		{"text/xml", true},
		{"Application/XML", true},
		{" application/xml ; charset=utf-8", true},
		{"application/json;q=0.5, application/xml", true},
		{"application/xml, application/json", true},
		{"application/json, application/xml", false},
		{"application/xml;q=0.5, application/json", false},
		{"application/xml;q=0", false},
		{"", false},
		{"*/*", false},
		{"application/json", false},
		{"application/json, text/plain, */*", false}, // axios
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
	} {
		if got := prefersXML(tc.accept); got != tc.want {
			t.Errorf("prefersXML(%q) = %v, want %v", tc.accept, got, tc.want)
		}
	}
}

func TestRenderNegotiates(t *testing.T) {
	t.Parallel()
	body := map[string]any{"z": 1, "a": "<x>"}
	for _, tc := range []struct {
		accept, wantType, wantBody string
	}{
		{"application/xml", "application/xml",
			`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<root><a type="str">&lt;x&gt;</a><z type="int">1</z></root>`},
		{"text/xml", "application/xml",
			`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<root><a type="str">&lt;x&gt;</a><z type="int">1</z></root>`},
		{"*/*", "application/json", `{"a":"\u003cx\u003e","z":1}`},
		{"", "application/json", `{"a":"\u003cx\u003e","z":1}`},
		{"application/json, text/plain, */*", "application/json", `{"a":"\u003cx\u003e","z":1}`},
	} {
		c := adaptertest.Ctx(t, fiber.MethodGet, "/", "", fiber.HeaderAccept, tc.accept)
		if err := render(c, fiber.StatusTeapot, body); err != nil {
			t.Fatal(err)
		}
		r := c.Response()
		if r.StatusCode() != fiber.StatusTeapot || string(r.Header.ContentType()) != tc.wantType ||
			string(r.Body()) != tc.wantBody {
			t.Errorf("Accept %q: %d %s %s", tc.accept, r.StatusCode(), r.Header.ContentType(), r.Body())
		}
		if string(r.Header.Peek(fiber.HeaderCacheControl)) != "no-store" || string(r.Header.Peek(fiber.HeaderPragma)) != "no-cache" {
			t.Errorf("Accept %q: cacheable answer", tc.accept)
		}
	}
}

func TestFailureBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		f    *failure
		want string
	}{
		{errLoginRequired, `{"code":401,"message":"Authentication required"}`},
		{badRequest("bad"), `{"code":400,"error":"invalid_request","error_description":"bad","message":"bad"}`},
		{unavailable(core.AsError(nil)), `{"code":503,"error":"temporarily_unavailable",` +
			`"error_description":"The service is temporarily unavailable, try again.","message":"Service Unavailable"}`},
	} {
		got, _ := json.Marshal(tc.f.body())
		if string(got) != tc.want {
			t.Errorf("body = %s, want %s", got, tc.want)
		}
	}
}
