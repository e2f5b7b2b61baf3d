package core

import (
	"net/url"
	"strings"
)

// matchRedirect finds the registered URI equal to the requested one, byte for byte: no prefix,
// suffix, case folding, trailing-slash or loopback-port leniency (each of those has been an
// open-redirect advisory somewhere). An empty request picks the default.
func matchRedirect(registered []string, def, requested string) (string, bool) {
	if requested == "" {
		return def, def != ""
	}
	for _, r := range registered {
		if r == requested {
			return r, true
		}
	}
	return "", false
}

// ValidRedirectURI is the registration rule: absolute, no fragment, no user info; a host,
// except after a private-use scheme (com.example.app:/cb, RFC 8252 §7.1).
func ValidRedirectURI(s string) bool {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || (u.Host == "" && !privateUseScheme(u.Scheme)) || u.Fragment != "" || u.User != nil {
		return false
	}
	return !strings.ContainsAny(s, " \t\r\n#")
}

// AppendQuery adds params to a redirect URI, after "&" when it already has a query.
func AppendQuery(uri string, params url.Values) string {
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	return uri + sep + params.Encode()
}
