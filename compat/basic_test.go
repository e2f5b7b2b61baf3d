package compat

import (
	"encoding/base64"
	"testing"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestParseBasicAuth(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		id, secret string
		ok         bool
	}{
		{name: "plain", in: "Basic " + b64("client:s3cret"), id: "client", secret: "s3cret", ok: true},
		{name: "scheme lower", in: "basic " + b64("a:b"), id: "a", secret: "b", ok: true},
		{name: "scheme upper", in: "BASIC " + b64("a:b"), id: "a", secret: "b", ok: true},
		{name: "extra spaces", in: "  Basic   " + b64("a:b") + "  ", id: "a", secret: "b", ok: true},
		{name: "tab separator", in: "Basic\t" + b64("a:b"), id: "a", secret: "b", ok: true},
		{name: "unpadded", in: "Basic " + base64.RawStdEncoding.EncodeToString([]byte("a:b")), id: "a", secret: "b", ok: true},
		{name: "empty secret", in: "Basic " + b64("a:"), id: "a", secret: "", ok: true},
		{name: "split on first colon", in: "Basic " + b64("a:b:c"), id: "a", secret: "b:c", ok: true},
		{name: "form-encoded colon in id", in: "Basic " + b64("a%3Ab:c"), id: "a:b", secret: "c", ok: true},
		{name: "form-encoded secret", in: "Basic " + b64("a:p%25w+d%2B"), id: "a", secret: "p%w d+", ok: true},
		{name: "unicode", in: "Basic " + b64("%C3%A9:x"), id: "é", secret: "x", ok: true},

		{name: "empty", in: ""},
		{name: "scheme only", in: "Basic"},
		{name: "scheme and space", in: "Basic "},
		{name: "no separator", in: "Basic" + b64("a:b")},
		{name: "bearer", in: "Bearer " + b64("a:b")},
		{name: "oauth", in: "OAuth a=b"},
		{name: "bad base64", in: "Basic !!!"},
		{name: "url-safe alphabet", in: "Basic " + base64.URLEncoding.EncodeToString([]byte("a:b??>"))},
		{name: "no colon", in: "Basic " + b64("ab")},
		{name: "empty id", in: "Basic " + b64(":secret")},
		{name: "id decodes to empty", in: "Basic " + b64(":x")},
		{name: "bad escape in id", in: "Basic " + b64("a%zz:b")},
		{name: "bad escape in secret", in: "Basic " + b64("a:b%")},
		{name: "space inside payload", in: "Basic " + b64("a:b")[:2] + " " + b64("a:b")[2:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, secret, ok := ParseBasicAuth(tt.in)
			if id != tt.id || secret != tt.secret || ok != tt.ok {
				t.Fatalf("ParseBasicAuth(%q) = %q, %q, %v; want %q, %q, %v",
					tt.in, id, secret, ok, tt.id, tt.secret, tt.ok)
			}
		})
	}
}
