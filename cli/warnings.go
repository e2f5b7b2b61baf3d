package cli

import (
	"net"

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
