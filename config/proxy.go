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
	Prefix   string
	Upstream string
	Scope    string // required scopes, space- or comma-separated, all of them
	Client   string // when set, only this client's tokens pass
	// Resource, when set, is the API's resource identifier (RFC 8707), its public URL: only
	// tokens issued for it pass, and its metadata document names it.
	Resource    string
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
	"prefix": "", "upstream": "", "scope": "", "client": "", "resource": "", "strip_prefix": false,
	"dial_timeout": "5s", "timeout": "60s", "cors": CORSOAuthd,
}

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
		Scope: sub.str("scope"), Client: sub.str("client"), Resource: sub.str("resource"),
		StripPrefix: sub.boolean("strip_prefix"),
		DialTimeout: sub.positive("dial_timeout"), Timeout: sub.positive("timeout"), CORS: sub.str("cors")}
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
	u, err := url.Parse(p.Upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("upstream: must be an http(s) base URL such as \"http://127.0.0.1:8069\", got %q", p.Upstream)
	}
	if r, err := url.Parse(p.Resource); p.Resource != "" && (err != nil || (r.Scheme != "http" && r.Scheme != "https") ||
		r.Host == "" || r.RawQuery != "" || r.Fragment != "" || strings.ContainsAny(p.Resource, "?#")) {
		return fmt.Errorf("resource: must be the API's absolute http(s) URL such as \"https://api.example.com/mcp\", without query or fragment, got %q", p.Resource)
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
