package tests

// Helpers of the MCP tests: the Node 22 binary and the packages tests/mcp/package.json pins
// (`npm ci --prefix tests/mcp`, which .ci/run does), Node processes read line by line, and the
// browser step of an authorization, done here as a user would: log in, Allow.

import (
	"bufio"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mcpDir holds package.json, its lockfile and the Node scripts.
const mcpDir = "mcp"

// mcpNode returns the Node 22 binary that tests/mcp installs, or skips the test when the
// packages are not installed (failing instead under OAUTHD_REQUIRE_MCP=1).
func mcpNode(t *testing.T) string {
	t.Helper()
	node, _ := filepath.Abs(filepath.Join(mcpDir, "node_modules", ".bin", "node"))
	for _, need := range []string{node, filepath.Join(mcpDir, "node_modules", "@modelcontextprotocol", "sdk", "package.json"),
		filepath.Join(mcpDir, "node_modules", "@modelcontextprotocol", "conformance", "package.json")} {
		if _, err := os.Stat(need); err != nil {
			if os.Getenv("OAUTHD_REQUIRE_MCP") == "1" {
				t.Fatalf("OAUTHD_REQUIRE_MCP=1 but %s is missing: run npm ci --prefix tests/mcp", need)
			}
			t.Skipf("MCP packages not installed (%s missing; npm ci --prefix tests/mcp)", need)
		}
	}
	return node
}

// nodeProc is a running Node script whose stdout is read line by line.
type nodeProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
	out   *syncBuffer // stdout and stderr, for failure messages
	done  chan error
}

// startNode runs node with args in tests/mcp and stops it (SIGTERM, then kill) after the test.
func startNode(t *testing.T, node string, args ...string) *nodeProc {
	t.Helper()
	cmd := exec.Command(node, args...)
	cmd.Dir = mcpDir
	cmd.Env = append(os.Environ(), "NODE_NO_WARNINGS=1")
	p := &nodeProc{cmd: cmd, lines: make(chan string, 256), out: &syncBuffer{}, done: make(chan error, 1)}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = p.out
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start node %v: %v", args, err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.out.WriteString(sc.Text() + "\n")
			p.lines <- sc.Text()
		}
		close(p.lines)
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
		}
	})
	return p
}

// line waits for the first line starting with prefix and returns the rest of it.
func (p *nodeProc) line(t *testing.T, prefix string, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				t.Fatalf("node ended before printing %q:\n%s", prefix, p.out.String())
			}
			if rest, found := strings.CutPrefix(l, prefix); found {
				return rest
			}
		case <-deadline:
			t.Fatalf("no %q from node within %s:\n%s", prefix, timeout, p.out.String())
		}
	}
}

// wait waits for the script to end and fails the test unless it exited 0.
func (p *nodeProc) wait(t *testing.T, timeout time.Duration) {
	t.Helper()
	go func() {
		for range p.lines { // drain what is left
		}
	}()
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("node: %v:\n%s", err, p.out.String())
		}
	case <-time.After(timeout):
		t.Fatalf("node did not end within %s:\n%s", timeout, p.out.String())
	}
}

// consentAs opens an authorization URL in b (a browser logged in to s), allows, and returns
// where the browser is sent: the client's redirect URI with code, state and iss.
func consentAs(t *testing.T, s *Server, b *http.Client, authURL string) *url.URL {
	t.Helper()
	page := Send(t, b, http.MethodGet, authURL, nil)
	if page.Status != http.StatusOK || !strings.Contains(string(page.Raw), "Confirm Access") {
		t.Fatalf("authorize %s: want the consent page, got %s", authURL, page)
	}
	form := hiddenFields(page.Raw)
	form.Set("decision", "allow")
	return SendForm(t, b, http.MethodPost, s.URL+frappeOAuth+"approve", form).Location(t)
}
