package compat

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
)

// seedOAuthHeader is the header from the Odoo "restapi" module docs, as one
// line (what HTTP line folding leaves behind). Note the missing comma
// between code and grant_type.
const seedOAuthHeader = `OAuth client_id='uwCrAHAQbL7D9cvJLIztNaZ0bziEGMDh', client_secret='FtHzOQVEs0aSEL9AXuIe9k7X6E2MekU7', redirect_uri='https%3A%2F%2F127.0.0.1%2Fcallback', code='dcee1806d2c50d0fb598' grant_type='authorization_code'`

// seedOAuthHeaderRaw is the same header with raw newlines and indentation
// between pairs, as copied from the docs.
const seedOAuthHeaderRaw = "OAuth client_id='uwCrAHAQbL7D9cvJLIztNaZ0bziEGMDh',\n" +
	"      client_secret='FtHzOQVEs0aSEL9AXuIe9k7X6E2MekU7',\n" +
	"      redirect_uri='https%3A%2F%2F127.0.0.1%2Fcallback',\n" +
	"      code='dcee1806d2c50d0fb598'\n" +
	"      grant_type='authorization_code'"

var seedOAuthWant = map[string]string{
	"client_id":     "uwCrAHAQbL7D9cvJLIztNaZ0bziEGMDh",
	"client_secret": "FtHzOQVEs0aSEL9AXuIe9k7X6E2MekU7",
	"redirect_uri":  "https://127.0.0.1/callback",
	"code":          "dcee1806d2c50d0fb598",
	"grant_type":    "authorization_code",
}

func TestParseOAuthHeader(t *testing.T) {
	long := strings.Repeat("a", maxOAuthValueLen)
	var many, tooMany strings.Builder
	many.WriteString("OAuth")
	tooMany.WriteString("OAuth")
	for i := range maxOAuthParams + 1 {
		p := fmt.Sprintf(" p%d=v", i)
		if i < maxOAuthParams {
			many.WriteString(p)
		}
		tooMany.WriteString(p)
	}

	tests := []struct {
		name    string
		in      string
		want    map[string]string
		wantErr string // substring; "" means success
		notOAu  bool   // expect ErrNotOAuth
	}{
		{name: "seed folded", in: seedOAuthHeader, want: seedOAuthWant},
		{name: "seed raw newlines", in: seedOAuthHeaderRaw, want: seedOAuthWant},
		{name: "seed CRLF", in: strings.ReplaceAll(seedOAuthHeaderRaw, "\n", "\r\n"), want: seedOAuthWant},
		{name: "seed tabs", in: strings.ReplaceAll(seedOAuthHeaderRaw, "      ", "\t"), want: seedOAuthWant},

		{name: "empty", in: "", notOAu: true},
		{name: "spaces only", in: "  \t", notOAu: true},
		{name: "bearer", in: "Bearer abc", notOAu: true},
		{name: "basic", in: "Basic YTpi", notOAu: true},
		{name: "scheme prefix", in: "OAuthx a=1", notOAu: true},
		{name: "scheme glued comma", in: "OAuth,a=1", notOAu: true},
		{name: "scheme only", in: "OAuth", want: map[string]string{}},
		{name: "scheme trailing space", in: "OAuth  ", want: map[string]string{}},
		{name: "scheme lower", in: "oauth a=1", want: map[string]string{"a": "1"}},
		{name: "scheme upper", in: "OAUTH a=1", want: map[string]string{"a": "1"}},
		{name: "leading whitespace", in: " \tOAuth a=1", want: map[string]string{"a": "1"}},
		{name: "newline after scheme", in: "OAuth\r\n a=1", want: map[string]string{"a": "1"}},

		{name: "three quoting styles", in: `OAuth k='v', k2="v2" k3=v3`,
			want: map[string]string{"k": "v", "k2": "v2", "k3": "v3"}},
		{name: "spaces around equals", in: `OAuth a = "1" , b	=	'2'`,
			want: map[string]string{"a": "1", "b": "2"}},
		{name: "empty commas", in: `OAuth ,, a=1,,,b=2,`,
			want: map[string]string{"a": "1", "b": "2"}},
		{name: "empty values", in: `OAuth a="", b='', c=, d=`,
			want: map[string]string{"a": "", "b": "", "c": "", "d": ""}},
		{name: "space after equals takes next bare", in: `OAuth a= b=c`,
			want: map[string]string{"a": "b=c"}},
		{name: "double quote escapes", in: `OAuth a="x\"y\\z"`,
			want: map[string]string{"a": `x"y\z`}},
		{name: "double quote keeps comma and space", in: `OAuth a="x, y"`,
			want: map[string]string{"a": "x, y"}},
		{name: "single quote no escapes", in: `OAuth a='x\'`,
			want: map[string]string{"a": `x\`}},
		{name: "single quote holds double", in: `OAuth a='say "hi"'`,
			want: map[string]string{"a": `say "hi"`}},
		{name: "plus stays plus", in: `OAuth a="x+y%2B"`,
			want: map[string]string{"a": "x+y+"}},
		{name: "decoded once", in: `OAuth a="%2541"`,
			want: map[string]string{"a": "%41"}},
		{name: "lowercase hex", in: `OAuth a=%2f`,
			want: map[string]string{"a": "/"}},
		{name: "names case sensitive", in: `OAuth a=1 A=2`,
			want: map[string]string{"a": "1", "A": "2"}},
		{name: "name chars", in: `OAuth oauth_x-y.z9=1`,
			want: map[string]string{"oauth_x-y.z9": "1"}},
		{name: "realm ignored", in: `OAuth realm="Example", a=1`,
			want: map[string]string{"a": "1"}},
		{name: "realm not decoded", in: `OAuth realm="100%", a=1`,
			want: map[string]string{"a": "1"}},
		{name: "Realm is a normal name", in: `OAuth Realm=x`,
			want: map[string]string{"Realm": "x"}},
		{name: "max value length", in: `OAuth a="` + long + `"`,
			want: map[string]string{"a": long}},
		{name: "max value length encoded", in: `OAuth a=` + strings.Repeat("%41", maxOAuthValueLen),
			want: map[string]string{"a": strings.Repeat("A", maxOAuthValueLen)}},
		{name: "max params", in: many.String(), want: func() map[string]string {
			m := map[string]string{}
			for i := range maxOAuthParams {
				m[fmt.Sprintf("p%d", i)] = "v"
			}
			return m
		}()},

		{name: "duplicate", in: `OAuth code=a, code=b`, wantErr: `duplicate parameter "code"`},
		{name: "duplicate same value", in: `OAuth code=a code=a`, wantErr: `duplicate parameter "code"`},
		{name: "unterminated double", in: `OAuth a="x`, wantErr: "unterminated quote"},
		{name: "unterminated single", in: `OAuth a='x`, wantErr: "unterminated quote"},
		{name: "unterminated escape at end", in: `OAuth a="x\`, wantErr: "unterminated quote"},
		{name: "escaped closing quote", in: `OAuth a="x\"`, wantErr: "unterminated quote"},
		{name: "no equals", in: `OAuth a`, wantErr: `"a" has no '='`},
		{name: "no equals then pair", in: `OAuth a b=1`, wantErr: `"a" has no '='`},
		{name: "no name", in: `OAuth =1`, wantErr: "unexpected character '='"},
		{name: "bad name char", in: `OAuth a@b=1`, wantErr: `"a" has no '='`},
		{name: "leading quote", in: `OAuth "a"=1`, wantErr: "unexpected character '\"'"},
		{name: "junk after quote", in: `OAuth a="x"y`, wantErr: "after quoted value"},
		{name: "bad percent", in: `OAuth a=%zz`, wantErr: "invalid percent-encoding"},
		{name: "truncated percent", in: `OAuth a=x%4`, wantErr: "invalid percent-encoding"},
		{name: "lone percent", in: `OAuth a="%"`, wantErr: "invalid percent-encoding"},
		{name: "too long", in: `OAuth a="` + long + `b"`, wantErr: "longer than 8192"},
		{name: "too long raw", in: `OAuth a=` + strings.Repeat("b", maxOAuthRawLen+1), wantErr: "longer than 8192"},
		{name: "too many params", in: tooMany.String(), wantErr: "more than 64 parameters"},
		{name: "realm counts towards cap", in: many.String() + " realm=x", wantErr: "more than 64 parameters"},
		{name: "realm must be well formed", in: `OAuth realm="x`, wantErr: "unterminated quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOAuthHeader(tt.in)
			switch {
			case tt.notOAu:
				if !errors.Is(err, ErrNotOAuth) {
					t.Fatalf("err = %v, want ErrNotOAuth", err)
				}
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				if errors.Is(err, ErrNotOAuth) {
					t.Fatalf("syntax error must not be ErrNotOAuth: %v", err)
				}
			default:
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if !maps.Equal(got, tt.want) {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}
