package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func loadTOML(t *testing.T, text string) (*Config, error) {
	t.Helper()
	path := filepath.Join(inDir(t), "proxy.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return Load(path)
}

func TestProxyTables(t *testing.T) {
	c, err := loadTOML(t, `
[server]
addr = "127.0.0.1:9000"

[[proxy]]
prefix = "/restapi/1.0/object/"
upstream = "http://127.0.0.1:8069/"
scope = "all"

[[proxy]]
prefix = "/api/resource"
upstream = "https://erp.example.com/base"
scope = "all, openid"
client = "app"
resource = "https://erp.example.com/api/resource"
strip_prefix = true
timeout = "5m"
dial_timeout = "1s"
cors = "upstream"
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Proxy{
		{Prefix: "/restapi/1.0/object", Upstream: "http://127.0.0.1:8069", Scope: "all",
			DialTimeout: 5 * time.Second, Timeout: time.Minute, CORS: CORSOAuthd},
		{Prefix: "/api/resource", Upstream: "https://erp.example.com/base", Scope: "all, openid", Client: "app",
			Resource: "https://erp.example.com/api/resource", StripPrefix: true, DialTimeout: time.Second, Timeout: 5 * time.Minute, CORS: CORSUpstream},
	}
	if !reflect.DeepEqual(c.Proxies, want) {
		t.Errorf("Proxies =\n%+v\nwant\n%+v", c.Proxies, want)
	}
	if c.Server.Addr != "127.0.0.1:9000" {
		t.Errorf("server.addr = %q beside the tables", c.Server.Addr)
	}
}

func TestNoProxyByDefault(t *testing.T) {
	inDir(t)
	c, err := Load("")
	if err != nil || len(c.Proxies) != 0 {
		t.Fatalf("Proxies = %+v, %v; want none", c.Proxies, err)
	}
}

func TestProxyTableErrors(t *testing.T) {
	table := func(lines ...string) string {
		return "[[proxy]]\n" + strings.Join(lines, "\n") + "\n"
	}
	good := []string{`prefix = "/api/resource"`, `upstream = "http://127.0.0.1:8000"`}
	cases := []struct{ name, text, want string }{
		{"unknown key", table(append(good, `upstream_url = "x"`)...), "proxy[0].upstream_url: unknown key"},
		{"no prefix", table(`upstream = "http://127.0.0.1:8000"`), "proxy[0]: prefix"},
		{"root prefix", table(`prefix = "/"`, good[1]), "proxy[0]: prefix"},
		{"relative prefix", table(`prefix = "api"`, good[1]), "proxy[0]: prefix"},
		{"no upstream", table(good[0]), "proxy[0]: upstream"},
		{"upstream not http", table(good[0], `upstream = "ftp://host"`), "proxy[0]: upstream"},
		{"upstream with query", table(good[0], `upstream = "http://host/?a=1"`), "proxy[0]: upstream"},
		{"bad timeout", table(append(good, `timeout = "soon"`)...), "config: proxy[0]: timeout: not a duration"},
		{"bad cors", table(append(good, `cors = "any"`)...), "proxy[0]: cors: must be \"oauthd\" or \"upstream\""},
		{"zero timeout", table(append(good, `timeout = "0s"`)...), "must be positive"},
		{"bad strip_prefix", table(append(good, `strip_prefix = "maybe"`)...), "strip_prefix: not a boolean"},
		{"relative resource", table(append(good, `resource = "/mcp"`)...), "proxy[0]: resource: must be"},
		{"resource with a fragment", table(append(good, `resource = "https://api.example/mcp#x"`)...), "proxy[0]: resource"},
		{"resource with a query", table(append(good, `resource = "https://api.example/mcp?a=1"`)...), "proxy[0]: resource"},
		{"same prefix twice", table(good...) + table(good...), `prefix "/api/resource" is configured twice`},
		{"not a table", "proxy = \"/api\"\n", "proxy: must be an array of tables"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadTOML(t, tc.text)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
