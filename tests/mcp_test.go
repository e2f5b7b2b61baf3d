package tests

// MCP authorization end to end with real parts: the official TypeScript SDK's client and
// server, and the official conformance package, against oauthd (tests/mcp pins their
// versions; .ci/run installs them and sets OAUTHD_REQUIRE_MCP=1).

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The SDK client finds everything from the MCP server's first 401 (oauthd's [[proxy]] with
// resource set), gets a token bound to that resource, once as a client ID metadata document
// and once through dynamic registration, and lists and calls the SDK server's tools through
// the proxy. A token for another resource is refused there.
func TestMCPSDKClientBehindProxy(t *testing.T) {
	node := mcpNode(t)
	mcp := startNode(t, node, "server.mjs", "0")
	port := strings.TrimSpace(mcp.line(t, "listening ", 20*time.Second))

	docs := startDocServer(t)
	docURL := docs.document("/mcp-client.json", map[string]any{"client_name": "MCP Test Client",
		"redirect_uris": []string{"http://127.0.0.1:41999/callback"}, "token_endpoint_auth_method": "none",
		"grant_types": []string{"authorization_code", "refresh_token"}, "application_type": "native"})
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	resource := "http://" + addr + "/mcp"
	s := startWithConfig(t, fmt.Sprintf(`
[oauth]
resources = ["https://other.example/api"]

[[proxy]]
prefix = "/mcp"
upstream = "http://127.0.0.1:%s"
scope = "all"
resource = %q
`, port, resource), Env("OAUTHD_SERVER_ADDR="+addr, "OAUTHD_REGISTRATION_ENABLED=true"), cimdOptions(t, docs))
	const ada, password = "ada@example.com", "correct-horse-battery"
	s.AddUser(t, ada, password, "Ada Lovelace")
	b := frappeLoginAs(t, s, ada, password)

	for _, mode := range []string{"cimd", "dcr"} {
		client := startNode(t, node, "client.mjs", resource, mode, docURL)
		authURL := client.line(t, "AUTHORIZE ", 60*time.Second)
		q := mustQuery(t, authURL)
		if q.Get("resource") != resource || q.Get("scope") != "all" || q.Get("code_challenge_method") != "S256" {
			t.Fatalf("%s: the SDK's authorization request %s: want the resource and the challenge's scope", mode, authURL)
		}
		if (mode == "cimd") != (q.Get("client_id") == docURL) {
			t.Fatalf("%s: client_id %q", mode, q.Get("client_id"))
		}
		back := consentAs(t, s, b, authURL)
		if _, err := fmt.Fprintln(client.stdin, back.String()); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Tools  []string `json:"tools"`
			Whoami struct {
				User     string `json:"user"`
				Audience string `json:"audience"`
			} `json:"whoami"`
			ClientID string `json:"client_id"`
			Token    string `json:"token"`
			Metadata struct {
				Resource string   `json:"resource"`
				Scopes   []string `json:"scopes_supported"`
			} `json:"resource_metadata"`
		}
		if err := json.Unmarshal([]byte(client.line(t, "RESULT ", 60*time.Second)), &got); err != nil {
			t.Fatal(err)
		}
		client.wait(t, 30*time.Second)
		if !slices.Contains(got.Tools, "whoami") || got.Whoami.User != ada || got.Whoami.Audience != resource ||
			got.Metadata.Resource != resource || !slices.Equal(got.Metadata.Scopes, []string{"all"}) {
			t.Fatalf("%s: %+v", mode, got)
		}
		var docClient, selfRegistered bool
		err := serverSQL(t, s).QueryRow("SELECT metadata_document, self_registered FROM clients WHERE id = ?", got.ClientID).
			Scan(&docClient, &selfRegistered)
		if err != nil || docClient != (mode == "cimd") || selfRegistered != (mode == "dcr") {
			t.Errorf("%s: client %q: metadata_document %v, self_registered %v", mode, got.ClientID, docClient, selfRegistered)
		}
		if mode == "dcr" {
			mcpRefusesOtherResource(t, s, b, resource, got.Token)
		}
	}
}

// mcpRefusesOtherResource: at the MCP server, a token for another resource is invalid_token,
// where the SDK's own token passes.
func mcpRefusesOtherResource(t *testing.T, s *Server, b *http.Client, resource, own string) {
	t.Helper()
	c := s.AddClient(t, "--name", "Other", "--redirect-uri", "http://127.0.0.1:9/cb", "--auth-method", "client_secret_post")
	q := url.Values{"client_id": {c.ID}, "response_type": {"code"}, "redirect_uri": {"http://127.0.0.1:9/cb"},
		"scope": {"all"}, "state": {"st"}, "resource": {"https://other.example/api"}}
	code := consentAs(t, s, b, s.URL+frappeOAuth+"authorize?"+q.Encode()).Query().Get("code")
	tok := SendForm(t, nil, http.MethodPost, s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {"http://127.0.0.1:9/cb"}, "client_id": {c.ID}, "client_secret": {c.Secret}})
	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",` +
		`"capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}`
	call := func(token string) *Resp {
		return Send(t, nil, http.MethodPost, resource, strings.NewReader(initialize), "Authorization", "Bearer "+token,
			"Content-Type", "application/json", "Accept", "application/json, text/event-stream")
	}
	if r := call(tok.Str("access_token")); r.Status != http.StatusUnauthorized ||
		!strings.HasPrefix(r.Header.Get("WWW-Authenticate"), `Bearer error="invalid_token", scope="all", resource_metadata=`) {
		t.Errorf("a token for another resource at the MCP server: %s %q", r, r.Header.Get("WWW-Authenticate"))
	}
	if r := call(own); r.Status != http.StatusOK {
		t.Errorf("the SDK's token at the MCP server: %s", r)
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// The conformance package's authorization mode passes for each revision with nothing but
// SUCCESS (no warning, no failure, nothing skipped), for a public client.
func TestMCPConformanceAuthorization(t *testing.T) {
	node := mcpNode(t)
	s := StartServer(t, Env("OAUTHD_CIMD_ENABLED=true"))
	const ada, password = "ada@example.com", "correct-horse-battery"
	s.AddUser(t, ada, password, "Ada Lovelace")
	b := frappeLoginAs(t, s, ada, password)
	versions := []string{"2025-06-18", "2025-11-25", "2026-07-28"}
	args := []string{"--name", "Conformance", "--auth-method", "none"}
	ports := map[string]int{}
	for _, v := range versions {
		ports[v] = freePort(t)
		args = append(args, "--redirect-uri", fmt.Sprintf("http://127.0.0.1:%d/callback", ports[v]))
	}
	client := s.AddClient(t, args...)

	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			out := t.TempDir()
			conf := startNode(t, node, filepath.Join("node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js"),
				"authorization", "--url", s.URL, "--client-id", client.ID, "--resource", s.URL,
				"--port", fmt.Sprint(ports[v]), "--spec-version", v, "--output-dir", out)
			authURL := s.URL + conf.line(t, s.URL, 60*time.Second)
			back := consentAs(t, s, b, authURL)
			if back.Query().Get("iss") != s.URL {
				t.Errorf("authorization response %s: no iss", back)
			}
			conf.line(t, "Callback server started", 30*time.Second) // it listens only after printing the URL
			r := Send(t, nil, http.MethodGet, back.String(), nil)
			if r.Status != http.StatusOK {
				t.Fatalf("the conformance callback: %s", r)
			}
			conf.wait(t, 60*time.Second)
			checks := conformanceChecks(t, out)
			want := map[string]bool{"authorization-server-metadata": true, "authorization-code-grant": true,
				"authorization-server-metadata-cimd": v != "2025-06-18"}
			for _, c := range checks {
				if c.Status != "SUCCESS" {
					t.Errorf("%s: %s %s: %s", v, c.ID, c.Status, c.ErrorMessage)
				}
				delete(want, c.ID)
			}
			for id, expected := range want {
				if expected {
					t.Errorf("%s: check %s did not run:\n%s", v, id, conf.out.String())
				}
			}
		})
	}
}

type conformanceCheck struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	ErrorMessage string `json:"errorMessage"`
}

// conformanceChecks reads every checks.json the package wrote under dir.
func conformanceChecks(t *testing.T, dir string) []conformanceCheck {
	t.Helper()
	var all []conformanceCheck
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "checks.json" {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var cs []conformanceCheck
		if err := json.Unmarshal(raw, &cs); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		all = append(all, cs...)
		return nil
	})
	if err != nil || len(all) == 0 {
		t.Fatalf("conformance results in %s: %d checks, %v", dir, len(all), err)
	}
	return all
}
