package tests

// Findings 1 and 8 in a real browser: a page on another site (localhost, while oauthd is
// 127.0.0.1) navigates the victim's tab to oauthd's GET login and logout URLs.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// startAttackerSite serves one page at http://localhost:<port>/ that navigates the tab to
// target as soon as it loads.
func startAttackerSite(t *testing.T, target string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Cute cats</title><script>location.href = %q</script>`, target)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://localhost:" + port + "/"
}

// browserLoggedUser opens get_logged_user in the tab and returns what it says.
func browserLoggedUser(t *testing.T, tab context.Context, s *Server) string {
	t.Helper()
	runBrowser(t, tab, "open get_logged_user", chromedp.Navigate(s.URL+frappeLoggedIn),
		chromedp.WaitReady(chromedp.CSS("body")))
	return readBrowser(t, tab, "read get_logged_user", chromedp.Text(chromedp.CSS("body")))
}

func TestBrowserSecurityLoginCSRFByNavigation(t *testing.T) {
	tab, _ := startChromium(t)
	s := StartServer(t)
	s.AddUser(t, "mallory@example.com", "mallory-password", "Mallory")
	q := url.Values{"usr": {"mallory@example.com"}, "pwd": {"mallory-password"}}
	evil := startAttackerSite(t, s.URL+"/api/method/login?"+q.Encode())
	runBrowser(t, tab, "visit the attacker's page", chromedp.Navigate(evil))
	time.Sleep(500 * time.Millisecond) // the page's script navigates on
	if who := browserLoggedUser(t, tab, s); strings.Contains(who, "mallory@example.com") {
		t.Fatalf("another site signed the browser in as the attacker: %s", who)
	}
}

func TestBrowserSecurityLogoutCSRFByNavigation(t *testing.T) {
	tab, _ := startChromium(t)
	s := StartServer(t)
	s.AddUser(t, frappeEmail, frappePassword, frappeName)
	runBrowser(t, tab, "sign in", chromedp.Navigate(s.URL+"/login"), browserSignIn(frappeEmail, frappePassword))
	time.Sleep(300 * time.Millisecond)
	if who := browserLoggedUser(t, tab, s); !strings.Contains(who, frappeEmail) {
		t.Fatalf("sign-in did not work: %s", who)
	}
	evil := startAttackerSite(t, s.URL+"/api/method/logout")
	runBrowser(t, tab, "visit the attacker's page", chromedp.Navigate(evil))
	time.Sleep(500 * time.Millisecond)
	if who := browserLoggedUser(t, tab, s); !strings.Contains(who, frappeEmail) {
		t.Fatalf("another site signed the user out: %s", who)
	}
}
