package compat

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// formatOAuthHeader is a test-only inverse of ParseOAuthHeader: it writes
// every value double-quoted and percent-encoded (everything but RFC 3986
// unreserved characters), in sorted name order.
func formatOAuthHeader(params map[string]string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.WriteString("OAuth")
	for i, name := range slices.Sorted(maps.Keys(params)) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte(' ')
		b.WriteString(name)
		b.WriteString(`="`)
		v := params[name]
		for j := 0; j < len(v); j++ {
			c := v[j]
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
				c == '-' || c == '.' || c == '_' || c == '~' {
				b.WriteByte(c)
				continue
			}
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		}
		b.WriteByte('"')
	}
	return b.String()
}

func FuzzParseOAuthHeader(f *testing.F) {
	for _, s := range []string{
		seedOAuthHeader,
		seedOAuthHeaderRaw,
		strings.ReplaceAll(seedOAuthHeaderRaw, "\n", "\r\n"),
		`OAuth k='v', k2="v2" k3=v3`,
		`OAuth realm="Example", oauth_token="a%20b", x=+`,
		`OAuth a="x\"y\\z", b='q\'`,
		`OAuth a= b=c`,
		`OAuth ,, a=, b="",`,
		`OAuth a="%2541" b=%2f`,
		`oauth A=1 a=2`,
		`OAuth a="x`,
		`OAuth a='x`,
		`OAuth a="x\`,
		`OAuth a`,
		`OAuth =1`,
		`OAuth a="x"y`,
		`OAuth a=%zz`,
		`OAuth a=%`,
		`OAuth code=a code=a`,
		`OAuth`,
		``,
		`Bearer abc`,
		"OAuth\x00a=\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseOAuthHeader(in)
		if err != nil {
			if got != nil {
				t.Fatalf("non-nil map with error %v", err)
			}
			return
		}
		if _, ok := got["realm"]; ok {
			t.Fatalf("realm present in %q", got)
		}
		if len(got) > maxOAuthParams {
			t.Fatalf("%d params exceeds cap", len(got))
		}
		for name, v := range got {
			if name == "" {
				t.Fatalf("empty name in %q", got)
			}
			if len(v) > maxOAuthValueLen {
				t.Fatalf("value of %q is %d bytes", name, len(v))
			}
		}
		// Map keys are unique by construction; duplicates in the input
		// must have been rejected, which the table tests cover.

		again, err := ParseOAuthHeader(formatOAuthHeader(got))
		if err != nil {
			t.Fatalf("re-parse of %q failed: %v", formatOAuthHeader(got), err)
		}
		if !maps.Equal(got, again) {
			t.Fatalf("round trip changed %q into %q", got, again)
		}
	})
}

func TestFormatOAuthHeader(t *testing.T) {
	got := formatOAuthHeader(map[string]string{"b": `x "y"/`, "a": ""})
	want := `OAuth a="", b="x%20%22y%22%2F"`
	if got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	// Sanity: ErrNotOAuth from the formatter's output is impossible.
	if _, err := ParseOAuthHeader(got); errors.Is(err, ErrNotOAuth) {
		t.Fatal("formatter produced a non-OAuth header")
	}
}
