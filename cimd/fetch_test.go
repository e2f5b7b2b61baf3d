package cimd

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// docServer serves documents over TLS on 127.0.0.1 and counts the requests for each path.
type docServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func startDocs(t *testing.T, handler func(w http.ResponseWriter, r *http.Request)) *docServer {
	t.Helper()
	d := &docServer{hits: map[string]int{}}
	d.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.hits[r.URL.Path]++
		d.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(d.Close)
	return d
}

func (d *docServer) count(path string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.hits[path]
}

func (d *docServer) roots() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(d.Certificate())
	return pool
}

// clock is a test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestFetch(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	d := startDocs(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			<-release
		case "/redirect":
			http.Redirect(w, r, "/client.json", http.StatusFound)
			return
		case "/big":
			w.Write([]byte(strings.Repeat(" ", MaxDocumentBytes+1)))
			return
		case "/missing":
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "max-age=600")
		w.Write([]byte(`{"client_id":"x"}`))
	})
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	f := New(Options{AllowedHosts: []string{"127.0.0.1"}, RootCAs: d.roots(), Clock: clk.Now, Timeout: time.Second})
	ctx := t.Context()

	// Many requests at once for one URL make one fetch, and the copy serves until it expires.
	var wg sync.WaitGroup
	var failures atomic.Int32
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if doc, err := f.Fetch(ctx, d.URL+"/client.json"); err != nil || string(doc) != `{"client_id":"x"}` {
				failures.Add(1)
			}
		}()
	}
	wg.Wait()
	if failures.Load() != 0 || d.count("/client.json") != 1 {
		t.Fatalf("concurrent fetches: %d failed, %d requests, want 0 and 1", failures.Load(), d.count("/client.json"))
	}
	clk.advance(9 * time.Minute)
	f.Fetch(ctx, d.URL+"/client.json")
	clk.advance(2 * time.Minute) // past max-age=600
	f.Fetch(ctx, d.URL+"/client.json")
	if n := d.count("/client.json"); n != 2 {
		t.Fatalf("%d requests after the document expired, want 2", n)
	}

	refused := map[string]string{
		"/redirect": "redirect",
		"/big":      "larger than",
		"/missing":  "answered 404",
		"/slow":     "did not answer",
	}
	for path, reason := range refused {
		for range 2 { // the second time from the cache
			if _, err := f.Fetch(ctx, d.URL+path); err == nil || !strings.Contains(err.Error(), reason) {
				t.Errorf("%s: %v, want %q", path, err, reason)
			}
		}
		if n := d.count(path); n != 1 {
			t.Errorf("%s: fetched %d times, want once within the failure's lifetime", path, n)
		}
	}
	close(release)
	clk.advance(failureFresh + time.Second)
	f.Fetch(ctx, d.URL+"/missing")
	if n := d.count("/missing"); n != 2 {
		t.Errorf("a failure is tried again after %s: %d requests", failureFresh, n)
	}
}

func TestFetchRefusesInternalAddressesAndPlainHTTP(t *testing.T) {
	t.Parallel()
	d := startDocs(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) })
	port := d.URL[strings.LastIndex(d.URL, ":"):]
	ctx := t.Context()
	cases := map[string]struct {
		opt    Options
		url    string
		reason string
	}{
		"loopback, not allowed":            {Options{RootCAs: d.roots()}, d.URL + "/c", "not public (127.0.0.1)"},
		"a name for loopback, not allowed": {Options{AllowedHosts: []string{"127.0.0.1"}, RootCAs: d.roots()}, "https://localhost" + port + "/c", "not public"},
		"http":                             {Options{AllowedHosts: []string{"127.0.0.1"}, RootCAs: d.roots()}, strings.Replace(d.URL, "https", "http", 1) + "/c", "https only"},
		"untrusted certificate":            {Options{AllowedHosts: []string{"127.0.0.1"}}, d.URL + "/c", "not trusted"},
	}
	for name, tc := range cases {
		_, err := New(tc.opt).Fetch(ctx, tc.url)
		if err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: %v, want %q", name, err, tc.reason)
		}
	}
	if n := d.count("/c"); n != 0 {
		t.Errorf("refused fetches reached the server %d times", n)
	}
}

func TestFetchWaitsNoLongerThanItsRequest(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	d := startDocs(t, func(w http.ResponseWriter, r *http.Request) { <-release; w.Write([]byte(`{}`)) })
	defer close(release)
	f := New(Options{AllowedHosts: []string{"127.0.0.1"}, RootCAs: d.roots()})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := f.Fetch(ctx, d.URL+"/c"); err == nil {
		t.Fatal("a cancelled request waited for the fetch")
	}
}

func TestFreshFor(t *testing.T) {
	t.Parallel()
	for header, want := range map[string]time.Duration{
		"":                         minFresh,
		"max-age=60":               minFresh,
		"max-age=3600":             time.Hour,
		"public, MAX-AGE=\"7200\"": 2 * time.Hour,
		"max-age=99999999999999":   maxFresh,
		"no-store":                 minFresh,
		"max-age=3600, no-cache":   minFresh,
		"max-age=-5":               minFresh,
		"max-age=soon":             minFresh,
	} {
		if got := freshFor(header); got != want {
			t.Errorf("freshFor(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestCacheIsBounded(t *testing.T) {
	t.Parallel()
	c := newCache(3)
	clk := &clock{now: time.Unix(0, 0)}
	calls := 0
	fetch := func(url string) ([]byte, time.Duration, error) { calls++; return []byte(url), time.Hour, nil }
	for _, u := range []string{"a", "b", "c", "a", "d", "a", "b"} {
		if doc, err := c.get(t.Context(), u, clk.Now, fetch); err != nil || string(doc) != u {
			t.Fatalf("get(%s) = %s, %v", u, doc, err)
		}
	}
	// a b c (3), a cached, d evicts b, a cached, b fetched again (evicting c): 5 fetches.
	if calls != 5 || c.order.Len() != 3 {
		t.Fatalf("%d fetches, %d entries; want 5 and 3", calls, c.order.Len())
	}
}
