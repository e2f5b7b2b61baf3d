package tests

// Helpers for the browser tests: a headless Chromium driven through chromedp, and a tiny
// OAuth client callback server that records what the authorization server redirected to it.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browserTimeout bounds everything one test does in the browser.
const browserTimeout = 60 * time.Second

// browserArtifacts is where screenshots go (gitignored).
const browserArtifacts = "artifacts"

// chromiumPath returns the Chromium executable, or skips the test when there is none, unless
// OAUTHD_REQUIRE_BROWSER=1 makes a missing browser a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("OAUTHD_REQUIRE_BROWSER") == "1" {
			t.Fatalf("OAUTHD_REQUIRE_BROWSER=1 but Chromium is not available: %v", err)
		}
		t.Skip("chromium not found in PATH (set OAUTHD_REQUIRE_BROWSER=1 to fail instead)")
	}
	return path
}

// startChromium launches a headless Chromium with a fresh profile and returns a tab whose
// context expires after browserTimeout, and the tab's console (where Chromium reports CSP
// violations). The browser is closed when the test ends.
func startChromium(t *testing.T) (context.Context, *syncBuffer) {
	t.Helper()
	path := chromiumPath(t)
	profile := t.TempDir() // removed after the browser is gone: cleanups run last-in first-out
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
	}
	bounded, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(bounded, opts...)
	errs, console := &syncBuffer{}, &syncBuffer{}
	tab, cancelTab := chromedp.NewContext(alloc, chromedp.WithErrorf(func(format string, args ...any) {
		fmt.Fprintf(errs, format+"\n", args...)
	}))
	stop := func() {
		_ = chromedp.Cancel(tab) // closes the browser gracefully while the context is alive
		cancelTab()
		cancelAlloc() // waits for the process to exit
		cancelTimeout()
	}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1024, 768)); err != nil {
		stop()
		t.Fatalf("start chromium: %v\n%s", err, errs.String())
	}
	messages := chromedp.Console(tab)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			fmt.Fprintf(console, "%s %s: %s\n", m.Type, m.URL, m.Text)
		}
	}()
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("browser console:\n%s\nchromedp errors:\n%s", console.String(), errs.String())
		}
	})
	return tab, console
}

// browserAssertNoCSPViolations fails the test when the browser reported a Content Security Policy
// violation: the pages must work, styles included, under their own policy.
func browserAssertNoCSPViolations(t *testing.T, console *syncBuffer) {
	t.Helper()
	for _, line := range strings.Split(console.String(), "\n") {
		if strings.Contains(line, "Content Security Policy") {
			t.Errorf("CSP violation in the browser: %s", line)
		}
	}
}

// runBrowser runs steps in the tab and fails the test on error.
func runBrowser(t *testing.T, tab context.Context, step string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tab, steps...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// readBrowser runs one action that returns a value and fails the test on error.
func readBrowser[T any](t *testing.T, tab context.Context, step string, action chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(tab, action)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	return v
}

// browserScreenshot saves the visible page as artifacts/<name>.
func browserScreenshot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		png, err := chromedp.CaptureScreenshot()(ctx, tgt)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(browserArtifacts, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(browserArtifacts, name), png, 0o644)
	})
}

// browserSignIn fills the login page (both dialects share its element ids) and submits it.
func browserSignIn(email, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SendKeys(chromedp.CSS("#login_email"), email),
		chromedp.SendKeys(chromedp.CSS("#login_password"), password),
		chromedp.Click(chromedp.CSS("#login-submit")),
	)
}

// browserURL returns the tab's location.
func browserURL(t *testing.T, tab context.Context) *url.URL {
	t.Helper()
	loc := readBrowser(t, tab, "read location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("location %q: %v", loc, err)
	}
	return u
}

// browserAssertReturnsTo checks that a login page's return parameter leads back to the authorization
// request at path with its state intact (it may be a path or an absolute URL on the server).
func browserAssertReturnsTo(t *testing.T, param, value, path, state string) {
	t.Helper()
	back, err := url.Parse(value)
	if err != nil || back.Path != path || back.Query().Get("state") != state {
		t.Fatalf("login page %s=%q: want the authorization request %s with state %q", param, value, path, state)
	}
}

// browserCallback is a client's redirect endpoint on 127.0.0.1:<random port>.
type browserCallback struct {
	URL string // the redirect URI, http://127.0.0.1:<port>/cb
	got chan url.Values
}

// startBrowserCallback serves /cb, recording each query and answering with a small page.
func startBrowserCallback(t *testing.T) *browserCallback {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cb := &browserCallback{URL: "http://" + ln.Addr().String() + "/cb", got: make(chan url.Values, 16)}
	mux := http.NewServeMux()
	mux.HandleFunc("/cb", func(w http.ResponseWriter, r *http.Request) {
		select {
		case cb.got <- r.URL.Query():
		default:
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="en"><head><title>Example client</title></head>`+
			`<body><h1 id="callback-done">Back at the client</h1></body></html>`)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return cb
}

// wait returns the next query the callback received.
func (cb *browserCallback) wait(t *testing.T, tab context.Context) url.Values {
	t.Helper()
	select {
	case q := <-cb.got:
		return q
	case <-tab.Done():
		t.Fatalf("the callback %s received nothing before the browser timed out", cb.URL)
	case <-time.After(20 * time.Second):
		t.Fatalf("the callback %s received nothing within 20s", cb.URL)
	}
	return nil
}

// browserExchangeCode posts a token request form and returns the decoded JSON, requiring 200 and an
// access_token.
func browserExchangeCode(t *testing.T, endpoint string, form url.Values) map[string]any {
	t.Helper()
	r := SendForm(t, nil, http.MethodPost, endpoint, form)
	if r.Status != http.StatusOK || r.JSON == nil {
		t.Fatalf("POST %s: status %d, body %s", endpoint, r.Status, r.Raw)
	}
	if r.Str("access_token") == "" {
		t.Fatalf("POST %s: no access_token in %s", endpoint, r.Raw)
	}
	return r.JSON
}

// browserContainsAll reports whether s contains every one of words.
func browserContainsAll(s string, words ...string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}
