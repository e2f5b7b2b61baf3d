package core

import (
	"slices"
	"strings"
)

// ParseScope splits a scope string on any whitespace, dropping empties and duplicates.
func ParseScope(s string) []string {
	fields := strings.Fields(s)
	out := fields[:0]
	if len(fields) <= smallScope { // every bearer check parses its token's scope: no map for a few
		for _, f := range fields {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
		return out
	}
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// smallScope is the length up to which ParseScope finds duplicates by scanning.
const smallScope = 16

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

// ScopePolicy says what happens to a requested scope beyond what is allowed. The dialect
// picks it; the rule is applied here, at authorize and at the token endpoint alike.
type ScopePolicy int

const (
	// ScopeStrict refuses anything outside the allowed scopes with invalid_scope (Frappe,
	// like oauthlib).
	ScopeStrict ScopePolicy = iota
	// ScopeNarrow grants the intersection with the allowed scopes, or all of them when the
	// intersection is empty, and the response says what was granted (RFC 6749 §3.3). The Odoo
	// module ignored scope, and its clients ask for scopes nobody registered.
	ScopeNarrow
)

// narrowScope resolves a requested scope against what is allowed under policy: empty means
// all of it. Outside it, ScopeStrict answers invalid_scope (redirectable at authorize) and
// ScopeNarrow keeps the intersection.
func narrowScope(allowed []string, requested string, policy ScopePolicy, redirect bool) ([]string, *Error) {
	want := ParseScope(requested)
	if len(want) == 0 {
		return allowed, nil
	}
	if covers(allowed, want) {
		return want, nil
	}
	if policy == ScopeNarrow {
		if kept := intersect(want, allowed); len(kept) > 0 {
			return kept, nil
		}
		return allowed, nil
	}
	e := fail(ErrInvalidScope, ReasonScope, "The requested scope is invalid, unknown, or exceeds what was granted.")
	e.Redirectable = redirect
	return nil, e
}

// intersect keeps the scopes of want that allowed holds, in want's order.
func intersect(want, allowed []string) []string {
	var out []string
	for _, w := range want {
		if covers(allowed, []string{w}) {
			out = append(out, w)
		}
	}
	return out
}
