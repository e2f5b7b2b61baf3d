package core

import "strings"

// ParseScope splits a scope string on any whitespace, dropping empties and duplicates.
func ParseScope(s string) []string {
	fields := strings.Fields(s)
	out := fields[:0]
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// JoinScope writes scopes space-separated, the form every response uses.
func JoinScope(scopes []string) string { return strings.Join(scopes, " ") }

// covers reports whether every requested scope is in granted.
func covers(granted, requested []string) bool {
	for _, r := range requested {
		found := false
		for _, g := range granted {
			if g == r {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// narrowScope resolves a requested scope against what is allowed: empty means all of it,
// anything outside it is invalid_scope.
func narrowScope(allowed []string, requested string, redirect bool) ([]string, *Error) {
	want := ParseScope(requested)
	if len(want) == 0 {
		return allowed, nil
	}
	if !covers(allowed, want) {
		e := fail(ErrInvalidScope, ReasonScope, "The requested scope is invalid, unknown, or exceeds what was granted.")
		e.Redirectable = redirect
		return nil, e
	}
	return want, nil
}
