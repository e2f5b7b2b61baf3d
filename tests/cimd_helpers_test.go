package tests

// Helpers of the client ID metadata document tests: a document server over TLS on 127.0.0.1
// that oauthd trusts through cimd.ca_file (its httptest certificate written as PEM), and the
// options that turn documents on with 127.0.0.1 allowed.

import (
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// docServer serves client ID metadata documents and counts the requests for each path.
type docServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
	docs map[string]string // path -> body; a body of "{id}" stands for the document's own URL
}

// startDocServer serves docs; the special paths /redirect, /big, /slow and /missing misbehave.
func startDocServer(t *testing.T) *docServer {
	t.Helper()
	d := &docServer{hits: map[string]int{}, docs: map[string]string{}}
	d.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.hits[r.URL.Path]++
		body, ok := d.docs[r.URL.Path]
		d.mu.Unlock()
		switch r.URL.Path {
		case "/redirect.json":
			http.Redirect(w, r, "/client.json", http.StatusFound)
			return
		case "/big.json":
			w.Write([]byte(`{"pad":"` + strings.Repeat("x", 6<<10) + `"}`))
			return
		case "/slow.json":
			select {
			case <-time.After(8 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Write([]byte(strings.ReplaceAll(body, "{id}", "https://"+r.Host+r.URL.Path)))
	}))
	t.Cleanup(d.Close)
	return d
}

// document stores a document at path, for client_id "{id}" unless md names another.
func (d *docServer) document(path string, md map[string]any) string {
	if _, ok := md["client_id"]; !ok {
		md["client_id"] = "{id}"
	}
	body, _ := json.Marshal(md)
	d.mu.Lock()
	d.docs[path] = string(body)
	d.mu.Unlock()
	return d.URL + path
}

func (d *docServer) count(path string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.hits[path]
}

// cimdOptions turn documents on, with 127.0.0.1 allowed and d's certificate trusted.
func cimdOptions(t *testing.T, d *docServer) Option {
	t.Helper()
	path := filepath.Join(t.TempDir(), "docs-ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d.Certificate().Raw})
	if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return Env("OAUTHD_CIMD_ENABLED=true", "OAUTHD_CIMD_ALLOWED_HOSTS=127.0.0.1", "OAUTHD_CIMD_CA_FILE="+path)
}
