package frappe

import (
	"encoding/base64"
	"maps"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"oauthd/adapters/adaptertest"
	"oauthd/core"
)

func args(s string) *fasthttp.Args {
	a := &fasthttp.Args{}
	a.Parse(s)
	return a
}

func TestParams(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		lists []string
		want  map[string]string
		err   string // the error description; "" when accepted
	}{
		{"none", nil, map[string]string{}, ""},
		{"one list", []string{"a=1&b=x+y&c=%2F"}, map[string]string{"a": "1", "b": "x y", "c": "/"}, ""},
		{"two lists", []string{"a=1", "b=2"}, map[string]string{"a": "1", "b": "2"}, ""},
		{"empty value", []string{"a="}, map[string]string{"a": ""}, ""},
		{"duplicate, same value", []string{"a=1&a=1"}, nil, "Duplicate parameter."},
		{"duplicate, other value", []string{"a=1&a=2"}, nil, "Duplicate parameter."},
		{"duplicate across query and body", []string{"code=1", "code=1"}, nil, "Duplicate parameter."},
		{"value not UTF-8", []string{"state=%ff"}, nil, "A parameter is not valid UTF-8."},
		{"name not UTF-8", []string{"st%C3ate=1"}, nil, "A parameter is not valid UTF-8."},
		{"overlong encoding", []string{"a=%C0%AF"}, nil, "A parameter is not valid UTF-8."},
		{"UTF-8 is fine", []string{"name=%C3%A9lan"}, map[string]string{"name": "élan"}, ""},
	} {
		var lists []*fasthttp.Args
		for _, s := range tc.lists {
			lists = append(lists, args(s))
		}
		got, err := params(lists...)
		switch {
		case tc.err == "" && (err != nil || !maps.Equal(got, tc.want)):
			t.Errorf("%s: params = %v, %v; want %v", tc.name, got, err, tc.want)
		case tc.err != "" && (err == nil || got != nil || err.Description != tc.err || err.Code != core.ErrInvalidRequest ||
			err.Status() != 400):
			t.Errorf("%s: params = %v, %+v; want error %q", tc.name, got, err, tc.err)
		}
	}
}

func TestRequestAndBodyParams(t *testing.T) {
	t.Parallel()
	c := adaptertest.Ctx(t, fiber.MethodPost, "/x?client_id=a", "code=c")
	if p, err := requestParams(c); err != nil || !maps.Equal(p, map[string]string{"client_id": "a", "code": "c"}) {
		t.Errorf("requestParams = %v, %v", p, err)
	}
	if p, err := bodyParams(c); err != nil || !maps.Equal(p, map[string]string{"code": "c"}) {
		t.Errorf("bodyParams ignores the query: %v, %v", p, err)
	}
	c = adaptertest.Ctx(t, fiber.MethodPost, "/x?code=a", "code=a")
	if _, err := requestParams(c); err == nil {
		t.Error("a parameter in both query and body was accepted")
	}
	c = adaptertest.Ctx(t, fiber.MethodPost, "/x", `{"code":"c"}`, fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	if p, err := bodyParams(c); err != nil || len(p) != 0 {
		t.Errorf("a JSON body gave parameters %v, %v", p, err)
	}
}

func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, auth string
		p          map[string]string
		want       core.ClientCredentials
		errCode    string
	}{
		{name: "id alone", p: map[string]string{"client_id": "a"},
			want: core.ClientCredentials{ID: "a", Method: core.AuthNone}},
		{name: "nothing", p: map[string]string{}, want: core.ClientCredentials{Method: core.AuthNone}},
		{name: "form", p: map[string]string{"client_id": "a", "client_secret": "s"},
			want: core.ClientCredentials{ID: "a", Secret: "s", Method: core.AuthPost}},
		{name: "Basic", auth: basic("a", "s"), p: map[string]string{},
			want: core.ClientCredentials{ID: "a", Secret: "s", Method: core.AuthBasic}},
		{name: "Basic, any case", auth: "bAsIc " + basic("a", "s")[6:], p: map[string]string{},
			want: core.ClientCredentials{ID: "a", Secret: "s", Method: core.AuthBasic}},
		{name: "Basic, form-encoded secret", auth: basic("a", "s%3Ax+y"), p: map[string]string{},
			want: core.ClientCredentials{ID: "a", Secret: "s:x y", Method: core.AuthBasic}},
		{name: "Basic with matching client_id", auth: basic("a", "s"), p: map[string]string{"client_id": "a"},
			want: core.ClientCredentials{ID: "a", Secret: "s", Method: core.AuthBasic}},
		{name: "Basic and form secret", auth: basic("a", "s"), p: map[string]string{"client_secret": "s"},
			errCode: core.ErrInvalidRequest},
		{name: "Basic id differs from client_id", auth: basic("a", "s"), p: map[string]string{"client_id": "b"},
			errCode: core.ErrInvalidRequest},
		{name: "malformed Basic", auth: "Basic !!!", p: map[string]string{}, errCode: core.ErrInvalidClient},
		{name: "Basic without colon", auth: "Basic " + base64.StdEncoding.EncodeToString([]byte("a")),
			p: map[string]string{}, errCode: core.ErrInvalidClient},
		{name: "bare Basic", auth: "Basic", p: map[string]string{"client_id": "a"}, errCode: core.ErrInvalidClient},
		{name: "Bearer is not client authentication", auth: "Bearer tok",
			p:    map[string]string{"client_id": "a", "client_secret": "s"},
			want: core.ClientCredentials{ID: "a", Secret: "s", Method: core.AuthPost}},
	} {
		c := adaptertest.Ctx(t, fiber.MethodPost, "/", "", fiber.HeaderAuthorization, tc.auth)
		got := clientCredentials(c, tc.p)
		err := got.Problem
		switch {
		case tc.errCode == "" && got != tc.want:
			t.Errorf("%s: %+v; want %+v", tc.name, got, tc.want)
		case tc.errCode != "" && (err == nil || err.Code != tc.errCode || got.ID != "" || got.Secret != ""):
			t.Errorf("%s: %+v, %+v; want %s", tc.name, got, err, tc.errCode)
		}
	}
}

func TestIsBasic(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"Basic abc": true, "basic abc": true, "BASIC\tabc": true, "  Basic abc": true, "Basic": true,
		"Bearer abc": false, "Basicabc": false, "": false, "OAuth client_id='a'": false,
	} {
		if got := isBasic(in); got != want {
			t.Errorf("isBasic(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestMultipartAndJSONParams(t *testing.T) {
	t.Parallel()
	multipart := func(body string) *fiber.Ctx {
		return adaptertest.Ctx(t, fiber.MethodPost, "/x?scope=all", strings.ReplaceAll(body, "\n", "\r\n"),
			fiber.HeaderContentType, "multipart/form-data; boundary=XX")
	}
	field := func(name, value string) string {
		return "--XX\nContent-Disposition: form-data; name=\"" + name + "\"\n\n" + value + "\n"
	}
	file := "--XX\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\n\nfile body\n"
	c := multipart(field("grant_type", "client_credentials") + field("client_id", "app") + file + "--XX--\n")
	if p, err := bodyParams(c); err != nil || !maps.Equal(p, map[string]string{"grant_type": "client_credentials", "client_id": "app"}) {
		t.Errorf("multipart bodyParams = %v, %v", p, err)
	}
	if p, err := requestParams(c); err != nil || p["scope"] != "all" || p["client_id"] != "app" {
		t.Errorf("multipart requestParams = %v, %v", p, err)
	}
	if _, err := bodyParams(multipart(field("code", "a") + field("code", "a") + "--XX--\n")); err == nil ||
		err.Description != "Duplicate parameter." {
		t.Errorf("repeated multipart field: %v", err)
	}
	if _, err := bodyParams(multipart(field("state", "\xff") + "--XX--\n")); err == nil || err.Status() != 400 {
		t.Errorf("non-UTF-8 multipart field: %v", err)
	}
	if _, err := bodyParams(multipart("--XX\nbroken")); err == nil || err.Status() != 400 {
		t.Errorf("broken multipart body: %v", err)
	}

	jsonCtx := func(body string) *fiber.Ctx {
		return adaptertest.Ctx(t, fiber.MethodPost, "/x?token_type_hint=access_token", body,
			fiber.HeaderContentType, "application/json; charset=utf-8")
	}
	if p, err := dictParams(jsonCtx(`{"token":"t\u00e9","client_id":"app"}`), true); err != nil ||
		!maps.Equal(p, map[string]string{"token": "té", "client_id": "app", "token_type_hint": "access_token"}) {
		t.Errorf("JSON dictParams = %v, %v", p, err)
	}
	if p, err := dictParams(jsonCtx(`{"token":"t"}`), false); err != nil || !maps.Equal(p, map[string]string{"token": "t"}) {
		t.Errorf("JSON dictParams without the query = %v, %v", p, err)
	}
	for _, body := range []string{`{"token":1}`, `{"token":null}`, `{"token":["a"]}`, `{"token":{"a":"b"}}`,
		`["token"]`, `"token"`, `{"token":"a","token":"b"}`, `{"token":"a"} {}`, `{"token":"a"`, "{\"token\":\"\xff\"}", ``} {
		if p, err := dictParams(jsonCtx(body), false); err == nil || err.Status() != 400 || p != nil {
			t.Errorf("JSON body %q: %v, %+v; want 400", body, p, err)
		}
	}
	if p, err := dictParams(jsonCtx(`{}`), false); err != nil || len(p) != 0 {
		t.Errorf("empty JSON object: %v, %v", p, err)
	}
}
