package core

import (
	"context"
	"net/url"
	"slices"
	"strings"
)

// NormalizeOrigin returns an origin ("scheme://host[:port]") in the lower-case form browsers
// send in the Origin header, and false for anything else: a path, query, user info or a
// scheme other than http(s) would never match a browser's Origin and is a registration error.
func NormalizeOrigin(s string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.Contains(s, "*") {
		return "", false
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), true
}

// corsOrigins validates a client's browser origins, normalised and without repeats.
func corsOrigins(in []string) ([]string, error) {
	var out []string
	for _, s := range in {
		o, ok := NormalizeOrigin(s)
		if !ok || len(o) > 191 {
			return nil, invalid("invalid CORS origin %q: want scheme://host[:port]", s)
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out, nil
}

// OriginAllowed reports whether some client registered the browser origin for CORS. It is one
// index lookup, made only for cross-origin requests to the CORS endpoints, and it reads the
// store every time, so a client added or removed by any instance (or the CLI) counts at once.
func (e *Engine) OriginAllowed(ctx context.Context, origin string) (bool, error) {
	return e.store.OriginRegistered(ctx, origin)
}

// ClientOrigins lists the browser origins a client registered.
func (e *Engine) ClientOrigins(ctx context.Context, clientID string) ([]string, error) {
	return e.store.ClientOrigins(ctx, clientID)
}
