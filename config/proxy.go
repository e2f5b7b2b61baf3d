package config

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"
)

// Proxy is one [[proxy]] table of the optional built-in reverse proxy: requests under Prefix
// whose bearer token passes are forwarded to Upstream. Arrays of tables cannot be written as
// environment variables, so proxies come from the file only.
type Proxy struct {
	Prefix      string
	Upstream    string
	Scope       string // required scopes, space- or comma-separated, all of them
	Client      string // when set, only this client's tokens pass
	StripPrefix bool
	DialTimeout time.Duration
	Timeout     time.Duration
	// CORS says who answers browsers' cross-origin preflights (which carry no token):
	// CORSOAuthd, oauthd itself under the cors.allowed_origins and client origins rules, or
	// CORSUpstream, the upstream, to which preflights then go unauthenticated.
	CORS string
}

// The values of a [[proxy]] table's cors key.
const (
	CORSOAuthd   = "oauthd"
	CORSUpstream = "upstream"
)

// proxyDefaults are the values of keys a [[proxy]] table leaves out.
var proxyDefaults = map[string]any{
	"prefix": "", "upstream": "", "scope": "", "client": "", "strip_prefix": false,
	"dial_timeout": "5s", "timeout": "60s", "cors": CORSOAuthd,
}

// reservedRoots are oauthd's own path roots: a proxy prefix equal to one or above one would
// hide oauthd's endpoints behind the upstream. A prefix below one is the operator's choice
// (e.g. /api/method/myapp.api).
var reservedRoots = []string{"/api/method", "/restapi/1.0/common", "/oauth2", "/web", "/login", "/.well-known",
	"/healthz"}

// proxies decodes the [[proxy]] tables, in the file's order; the proxy sorts them.
func (r *reader) proxies() []Proxy {
	raw := r.k.Get("proxy")
	if raw == nil {
		return nil
	}
	tables, ok := raw.([]any)
	if !ok {
		r.fail("proxy", fmt.Errorf("must be an array of tables ([[proxy]]), got %T", raw))
		return nil
	}
	out := make([]Proxy, 0, len(tables))
	for i, t := range tables {
		table, ok := t.(map[string]any)
		if !ok {
			r.fail(fmt.Sprintf("proxy[%d]", i), fmt.Errorf("must be a table, got %T", t))
			continue
		}
		out = append(out, r.proxy(i, table))
	}
	return out
}

func (r *reader) proxy(i int, table map[string]any) Proxy {
	name := fmt.Sprintf("proxy[%d]", i)
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := proxyDefaults[k]; !ok {
			r.fail(name+"."+k, fmt.Errorf("unknown key"))
		}
	}
	sub := &reader{k: newKoanf(proxyDefaults, table)}
	p := Proxy{Prefix: strings.TrimRight(sub.str("prefix"), "/"), Upstream: strings.TrimRight(sub.str("upstream"), "/"),
		Scope: sub.str("scope"), Client: sub.str("client"), StripPrefix: sub.boolean("strip_prefix"),
		DialTimeout: sub.duration("dial_timeout"), Timeout: sub.duration("timeout"), CORS: sub.str("cors")}
	if sub.err != nil { // "timeout: ..." from the sub-reader, named by its table here
		r.fail(name, sub.err)
	}
	if err := p.check(); err != nil {
		r.fail(name, err)
	}
	return p
}

func (p Proxy) check() error {
	if !strings.HasPrefix(p.Prefix, "/") || strings.ContainsAny(p.Prefix, "?#%\\") {
		return fmt.Errorf("prefix: must be a path below / such as \"/api/resource\", got %q", p.Prefix)
	}
	for _, root := range reservedRoots {
		if root == p.Prefix || strings.HasPrefix(root, p.Prefix+"/") {
			return fmt.Errorf("prefix: %q would hide oauthd's own %s endpoints", p.Prefix, root)
		}
	}
	u, err := url.Parse(p.Upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("upstream: must be an http(s) base URL such as \"http://127.0.0.1:8069\", got %q", p.Upstream)
	}
	if p.DialTimeout == 0 || p.Timeout == 0 {
		return fmt.Errorf("dial_timeout and timeout must be positive")
	}
	if p.CORS != CORSOAuthd && p.CORS != CORSUpstream {
		return fmt.Errorf("cors: must be %q or %q, got %q", CORSOAuthd, CORSUpstream, p.CORS)
	}
	return nil
}

// checkProxies holds the rule across tables: one upstream per prefix.
func checkProxies(ps []Proxy) error {
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.Prefix] {
			return fmt.Errorf("config: proxy: prefix %q is configured twice", p.Prefix)
		}
		seen[p.Prefix] = true
	}
	return nil
}

// newKoanf layers flat maps, later over earlier, so a table reads through the same typed
// reader as the sections do.
func newKoanf(layers ...map[string]any) *koanf.Koanf {
	k := koanf.New(".")
	for _, l := range layers {
		k.Load(confmap.Provider(l, ""), nil) //nolint:errcheck // a flat map always loads
	}
	return k
}
