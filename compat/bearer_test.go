package compat

import "testing"

func TestBearerToken(t *testing.T) {
	tests := []struct {
		in    string
		token string
		ok    bool
	}{
		{"Bearer abc.def-ghi_~+/=", "abc.def-ghi_~+/=", true},
		{"bearer abc", "abc", true},
		{"BEARER abc", "abc", true},
		{"BeArEr abc", "abc", true},
		{"Bearer    abc", "abc", true},
		{"  Bearer abc  ", "abc", true},
		{"Bearer abc\t", "abc", true},

		{"", "", false},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Bearer    ", "", false},
		{"Bearerabc", "", false},
		{"Bearer a b", "", false},
		{"Bearer a\tb", "", false},
		{"Bearer a\nb", "", false},
		{"Bearer a\x00b", "", false},
		{"Bearer a\x7fb", "", false},
		{"Basic abc", "", false},
		{"OAuth abc", "", false},
		{"Token abc", "", false},
		{"abc", "", false},
		{"Bear abc", "", false},
	}
	for _, tt := range tests {
		token, ok := BearerToken(tt.in)
		if token != tt.token || ok != tt.ok {
			t.Errorf("BearerToken(%q) = %q, %v; want %q, %v", tt.in, token, ok, tt.token, tt.ok)
		}
	}
}

func TestMisspeltAuthorizationHeader(t *testing.T) {
	// Guard against someone "fixing" the typo: the whole point is to match
	// the header name Frappe's docs print.
	if MisspeltAuthorizationHeader != "Authorizaton" {
		t.Fatalf("MisspeltAuthorizationHeader = %q", MisspeltAuthorizationHeader)
	}
}
