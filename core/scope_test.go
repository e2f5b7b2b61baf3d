package core

import (
	"slices"
	"strings"
	"testing"
)

func TestParseScope(t *testing.T) {
	t.Parallel()
	many := make([]string, 40) // past smallScope: the map path
	for i := range many {
		many[i] = "s" + strings.Repeat("x", i)
	}
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"  read\twrite\nread  ", []string{"read", "write"}},
		{"b a b a c", []string{"b", "a", "c"}},
		{strings.Join(slices.Concat(many, many), " "), many},
	} {
		if got := ParseScope(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("ParseScope(%.40q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
