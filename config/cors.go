package config

import (
	"fmt"
	"strings"

	"oauthd/core"
)

// CORS holds the browser origins allowed to call the token, revocation, introspection,
// userinfo, metadata and JWKS endpoints, besides those registered on clients.
type CORS struct {
	// AllowedOrigins are normalised origins ("https://app.example.com"), or "*" alone for any
	// origin (answered without credentials, as CORS requires).
	AllowedOrigins []string
}

// origins reads a list of origins: a TOML array, or a comma-separated string from the
// environment (OAUTHD_CORS_ALLOWED_ORIGINS="https://a.example,https://b.example").
func (r *reader) origins(key string) []string {
	var raw []string
	switch v := r.k.Get(key).(type) {
	case nil:
	case string:
		raw = strings.Split(v, ",")
	case []any:
		for _, x := range v {
			raw = append(raw, fmt.Sprint(x))
		}
	default:
		r.fail(key, fmt.Errorf("not a list of origins: %v", v))
	}
	var out []string
	for _, s := range raw {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if s == "*" {
			out = append(out, s)
			continue
		}
		o, ok := core.NormalizeOrigin(s)
		if !ok {
			r.fail(key, fmt.Errorf("invalid origin %q: want scheme://host[:port] or *", s))
		}
		out = append(out, o)
	}
	return out
}
