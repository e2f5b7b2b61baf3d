package cli

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync/atomic"

	"golang.org/x/crypto/bcrypt"

	"oauthd/config"
	"oauthd/core"
)

// ephemeralAdminAddr is where an ephemeral server's admin API listens unless admin.addr says.
const ephemeralAdminAddr = "127.0.0.1:0"

// ephemeralSettings turn a configuration into an ephemeral server's: an in-memory database
// (OpenMemory, in open), logs on standard error (standard output carries the ready line), no
// Redis (nothing shared with other instances), and the admin API on a free loopback port.
//
// Passwords are hashed at bcrypt's minimum cost (~1 ms instead of ~200 ms at 12), or fixture
// users alone would break the start-up budget. The cost only protects hashes that leak from a
// database, and this database never leaves the process's memory and dies with it; online
// guessing is bounded by the login limits, which do not depend on the cost.
func ephemeralSettings(cfg *config.Config) {
	cfg.Database.Driver = "sqlite"
	cfg.OAuth.BcryptCost = bcrypt.MinCost
	cfg.Redis.URL = ""
	if cfg.Admin.Addr == "" {
		cfg.Admin.Addr = ephemeralAdminAddr
	}
}

// checkLoopback refuses an ephemeral server on an address others can reach, unless public:
// whoever reaches it can move its clock, inject faults and use the fixtures' fixed tokens.
func checkLoopback(cfg *config.Config, public bool) error {
	if public {
		return nil
	}
	for _, l := range []struct{ key, addr string }{{"server.addr", cfg.Server.Addr}, {"admin.addr", cfg.Admin.Addr}} {
		if key, addr := l.key, l.addr; !loopback(addr) {
			return usagef("--ephemeral listens on loopback only, and %s is %q: add --public to listen "+
				"there (anyone who reaches it can move its clock, inject faults and use its fixed tokens)", key, addr)
		}
	}
	return nil
}

// loopback reports whether a listen address only accepts connections from this machine.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// readyLine is the one JSON line on standard output that tells a harness where an ephemeral
// server listens and how to reach its admin API.
func readyLine(url, adminURL, adminToken string) ([]byte, error) {
	b, err := json.Marshal(struct {
		Event      string `json:"event"`
		URL        string `json:"url"`
		AdminURL   string `json:"admin_url"`
		AdminToken string `json:"admin_token"`
	}{"ready", url, adminURL, adminToken})
	if err != nil {
		return nil, fmt.Errorf("ready line: %w", err)
	}
	return append(b, '\n'), nil
}

// fixtureError names the fixtures file and the entry an apply failed for. Refusals of the
// input exit 2, as a configuration error does; a database failure exits 1.
func fixtureError(path, entry string, err error) error {
	if errors.Is(err, core.ErrInvalidInput) {
		return configError{fmt.Errorf("fixtures %s: %s: %s", path, entry, core.Message(err))}
	}
	return fmt.Errorf("fixtures %s: %s: %w", path, entry, err)
}

// entryName is how errors name a fixture: tokens[0] ("client-id").
func entryName(kind string, i int, name string) string {
	return fmt.Sprintf("%s[%d] (%q)", kind, i, name)
}

// applyFixtures creates the fixtures' users and clients as the static setup does (the same core
// functions as the CLI), then records their consents and stores their tokens.
func applyFixtures(ctx context.Context, eng *core.Engine, path string, f *config.Fixtures) error {
	for i, u := range f.Users {
		if err := applyUser(ctx, eng, u); err != nil {
			return fixtureError(path, entryName("users", i, u.Email), err)
		}
	}
	for i, c := range f.Clients {
		if err := applyClient(ctx, eng, c); err != nil {
			return fixtureError(path, entryName("clients", i, c.ID), err)
		}
	}
	for i, c := range f.Consents {
		if err := eng.GrantConsent(ctx, c.User, c.ClientID, c.Scope); err != nil {
			return fixtureError(path, entryName("consents", i, c.ClientID), err)
		}
	}
	for i, t := range f.Tokens {
		err := eng.IssueGivenToken(ctx, core.GivenToken{ClientID: t.ClientID, UserEmail: t.User,
			AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Scope: t.Scope, ExpiresIn: t.ExpiresIn})
		if err != nil {
			return fixtureError(path, entryName("tokens", i, t.ClientID), err)
		}
	}
	return nil
}

// fixturesFor loads --fixtures; [[tokens]] are for ephemeral servers only, since fixed token
// values in a lasting database would be a standing backdoor.
func fixturesFor(path string, eph bool) (*config.Fixtures, error) {
	if path == "" {
		return nil, nil
	}
	f, err := config.LoadFixtures(path)
	if err != nil {
		return nil, configError{err}
	}
	if len(f.Tokens) > 0 && !eph {
		return nil, configError{fmt.Errorf("fixtures %s: %s: tokens with given values need --ephemeral "+
			"(in a lasting database they would be a standing backdoor)", path,
			entryName("tokens", 0, f.Tokens[0].ClientID))}
	}
	return f, nil
}

// earlyKey starts generating a key pair for alg at once and returns a NewKey that hands it to
// the first signing key, then generates afresh for any later one (a rotation must not reuse
// it). An RSA key takes 20 to 200 ms of prime search, as long as the rest of the start-up:
// begun before the configuration is even read, it mostly overlaps it.
func earlyKey(alg string) func(string) (crypto.Signer, error) {
	type pair struct {
		key crypto.Signer
		err error
	}
	early := make(chan pair, 1)
	go func() {
		k, err := core.GenerateKey(alg)
		early <- pair{k, err}
	}()
	var taken atomic.Bool
	return func(want string) (crypto.Signer, error) {
		if want != alg || taken.Swap(true) {
			return core.GenerateKey(want)
		}
		p := <-early
		return p.key, p.err
	}
}
