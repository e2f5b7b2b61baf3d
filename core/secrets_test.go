package core

import (
	"regexp"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	t.Parallel()
	shape := regexp.MustCompile(`^[A-Za-z0-9]{40}$`)
	seen := make(map[string]bool)
	chars := make(map[rune]bool)
	for range 2000 {
		tok := NewToken()
		if !shape.MatchString(tok) {
			t.Fatalf("NewToken() = %q, want 40 characters of [A-Za-z0-9]", tok)
		}
		if seen[tok] {
			t.Fatalf("NewToken() repeated %q", tok)
		}
		seen[tok] = true
		for _, c := range tok {
			chars[c] = true
		}
		if !wellFormed(tok) {
			t.Fatalf("wellFormed(%q) = false for a token we issued", tok)
		}
	}
	if len(chars) != len(alphabet) { // 80,000 draws: every character shows up
		t.Errorf("NewToken used %d distinct characters, want all %d", len(chars), len(alphabet))
	}
}

func TestDigest(t *testing.T) {
	t.Parallel()
	d := Digest("secret")
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(d) {
		t.Errorf("Digest = %q, want 64 lowercase hex digits", d)
	}
	if d != "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b" {
		t.Errorf("Digest(secret) = %s, want SHA-256 hex", d)
	}
	if Digest("secret2") == d {
		t.Error("different secrets share a digest")
	}
}

func TestWellFormed(t *testing.T) {
	t.Parallel()
	good := NewToken()
	cases := map[string]bool{
		good:                             true,
		"":                               false,
		good[:39]:                        false,
		good + "A":                       false,
		good[:39] + "-":                  false,
		good[:39] + " ":                  false,
		good[:39] + "é"[:1]:              false,
		strings.Repeat("%", TokenLength): false,
		good[:20] + "\x00" + good[21:]:   false,
		good[:30]:                        true, // a Frappe token, carried over by oauthd import
		good[:32]:                        true, // an Odoo token
		good[:31]:                        false,
		good[:29] + "-":                  false,
		good[:31] + "_":                  false,
	}
	for s, want := range cases {
		if got := wellFormed(s); got != want {
			t.Errorf("wellFormed(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	sid, other := NewToken(), NewToken()
	req := AuthorizeRequest{ClientID: "app", RedirectURI: appCB, ResponseType: "code", Scope: "all", State: "s1"}
	tok := CSRFToken(sid, req)
	if tok == "" || tok != CSRFToken(sid, req) {
		t.Fatalf("CSRFToken is not deterministic: %q", tok)
	}
	if strings.Contains(tok, sid) {
		t.Error("CSRF token reveals the session id")
	}
	otherState, shifted := req, req
	otherState.State = "s2"
	shifted.Scope, shifted.State = "alls", "1" // same bytes, other boundaries
	cases := []struct {
		name  string
		sid   string
		req   AuthorizeRequest
		token string
		want  bool
	}{
		{"own session and request", sid, req, tok, true},
		{"other session's token", other, req, tok, false},
		{"token of other session", sid, req, CSRFToken(other, req), false},
		{"token of another request", sid, otherState, tok, false},
		{"fields shifted", sid, shifted, tok, false},
		{"empty token", sid, req, "", false},
		{"empty session", "", req, CSRFToken("", req), false},
		{"truncated", sid, req, tok[:len(tok)-1], false},
		{"altered", sid, req, tok[:len(tok)-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(tok, "A")], false},
		{"session id itself", sid, req, sid, false},
	}
	for _, tc := range cases {
		if got := CheckCSRF(tc.sid, tc.req, tc.token); got != tc.want {
			t.Errorf("%s: CheckCSRF = %v, want %v", tc.name, got, tc.want)
		}
	}
}
