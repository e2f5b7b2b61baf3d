package cli

import (
	"net"
	"slices"

	"oauthd/config"
)

// issuerWarning explains, when oauthd listens beyond loopback without server.issuer, that
// metadata URLs then follow each request's Host header; "" when there is nothing to say.
func issuerWarning(cfg config.Server, addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if cfg.Issuer != "" || (ok && tcp.IP.IsLoopback()) {
		return ""
	}
	return "warning: server.issuer is not set and " + addr.String() + " is not a loopback address: " +
		"metadata and login redirects follow each request's Host header. Set server.issuer to the public URL."
}

// deprecationWarnings explains, for each deprecated setting in use, what replaces it.
func deprecationWarnings(cfg config.OAuth) []string {
	var out []string
	for key, value := range map[string]string{"oauth.revocation_auth": cfg.RevocationAuth,
		"oauth.introspection_auth": cfg.IntrospectionAuth} {
		switch value {
		case "client":
			out = append(out, "warning: "+key+` = "client" is deprecated: it refuses every client's token-only `+
				`requests; refuse them per client instead (oauthd client update ID --refuse-quirk `+
				`revoke_without_client|introspect_without_client) and remove the setting`)
		case "none":
			out = append(out, "warning: "+key+` = "none" is deprecated: token-only requests are served by `+
				`default ("possession"); remove the setting`)
		}
	}
	slices.Sort(out)
	return out
}
