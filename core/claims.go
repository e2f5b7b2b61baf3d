package core

import "strings"

// Claims are the OpenID Connect userinfo claims of a token's user.
func Claims(p *Principal, issuer string) map[string]any {
	given, family, _ := strings.Cut(p.FullName, " ")
	roles := p.Roles
	if roles == nil {
		roles = []string{}
	}
	return map[string]any{
		"sub": p.Subject, "name": p.FullName, "given_name": given, "family_name": family,
		"email": p.Email, "picture": nil, "roles": roles, "iss": issuer,
	}
}
