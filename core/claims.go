package core

import (
	"slices"
	"strings"
)

// claims are the OpenID Connect userinfo claims of a token's user, from a principal with its
// claims (see Principal). family_name is null for a user without a last name, as Frappe
// reports it.
func claims(p *Principal, issuer string) map[string]any {
	var family any
	if p.LastName != "" {
		family = p.LastName
	}
	roles := p.Roles
	if roles == nil {
		roles = []string{}
	}
	return map[string]any{
		"sub": p.Subject, "name": p.FullName, "given_name": p.FirstName, "family_name": family,
		"email": p.Email, "picture": nil, "roles": roles, "iss": issuer,
	}
}

// userNames completes a user's names: first and last come from the full name (first word, then
// the rest) only when both are absent, and the full name from them when it is absent, as
// Frappe's User joins first and last name.
// UserNames completes a user's full, given and family names as CreateUser does, for rows that
// `oauthd import` writes.
func UserNames(email, full, first, last string) (string, string, string) {
	return userNames(email, full, first, last)
}

func userNames(email, full, first, last string) (string, string, string) {
	full, first, last = strings.Join(strings.Fields(full), " "), strings.TrimSpace(first), strings.TrimSpace(last)
	if full == "" {
		full = strings.TrimSpace(first + " " + last)
	}
	if full == "" {
		full = strings.Split(email, "@")[0]
	}
	if first == "" && last == "" {
		first, last, _ = strings.Cut(full, " ")
	}
	return full, first, last
}

// standardRoles are the roles Frappe gives every user (frappe.get_roles appends them).
var standardRoles = []string{"All", "Guest"}

// userRoles are a user's own roles followed by Frappe's standard roles.
func userRoles(own []string) []string {
	var roles []string
	for _, r := range own {
		if !slices.Contains(roles, r) && !slices.Contains(standardRoles, r) {
			roles = append(roles, r)
		}
	}
	return append(roles, standardRoles...)
}
