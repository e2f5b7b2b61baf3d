package cli

import (
	"errors"
	"fmt"
	"net"

	"oauthd/config"
)

// sockets are serve's listeners, bound before the database is opened: a bad or busy address
// fails at once, before a migration or anything else has touched the database.
type sockets struct{ server, admin, metrics net.Listener }

// bind listens on server.addr (addrKey names where it came from), and on admin.addr and
// metrics.addr when they are set.
func bind(cfg *config.Config, addrKey string) (*sockets, error) {
	var s sockets
	for _, l := range []struct {
		key, addr string
		ln        *net.Listener
	}{{addrKey, cfg.Server.Addr, &s.server}, {"admin.addr", cfg.Admin.Addr, &s.admin},
		{"metrics.addr", cfg.Metrics.Addr, &s.metrics}} {
		if l.addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			s.close()
			return nil, listenError(l.key, l.addr, err)
		}
		*l.ln = ln
	}
	return &s, nil
}

// close closes every socket; those a server has closed already just say so again.
func (s *sockets) close() {
	for _, ln := range []net.Listener{s.server, s.admin, s.metrics} {
		if ln != nil {
			ln.Close()
		}
	}
}

// listenError names the setting: an address that is not HOST:PORT is a configuration error,
// one that is taken or not this machine's a failure.
func listenError(key, addr string, err error) error {
	var bad *net.AddrError
	if errors.As(err, &bad) {
		return configError{fmt.Errorf("config: %s: %q is not a listen address (HOST:PORT): %s", key, addr, bad.Err)}
	}
	var op *net.OpError
	if errors.As(err, &op) {
		err = op.Err
	}
	return fmt.Errorf("%s: cannot listen on %s: %w", key, addr, err)
}
