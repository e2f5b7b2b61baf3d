package tests

// /api/method/login and logout, the /login page, and the brute-force limits on both.

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestFrappeLogin(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	login := s.URL + "/api/method/login"
	ok := map[string]any{"message": "Logged In", "home_page": "/", "full_name": frappeName}
	for name, send := range map[string]func(hc *http.Client) *Resp{
		"form": func(hc *http.Client) *Resp {
			return SendForm(t, hc, "POST", login, url.Values{"usr": {frappeEmail}, "pwd": {frappePassword}})
		},
		"JSON": func(hc *http.Client) *Resp {
			return Send(t, hc, "POST", login, strings.NewReader(`{"usr":"`+frappeEmail+`","pwd":"`+frappePassword+`"}`),
				"Content-Type", "application/json; charset=utf-8")
		},
		"GET query": func(hc *http.Client) *Resp {
			return Send(t, hc, "GET", login+"?"+url.Values{"usr": {frappeEmail}, "pwd": {frappePassword}}.Encode(), nil)
		},
	} {
		b := Browser(t)
		r := send(b)
		frappeExpect(t, name, r, http.StatusOK, ok)
		cookies := map[string]*http.Cookie{}
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			cookies[c.Name] = c
		}
		sid := cookies["sid"]
		if sid == nil || !sid.HttpOnly || sid.SameSite != http.SameSiteLaxMode || len(sid.Value) != 40 ||
			cookies["user_id"] == nil || cookies["user_id"].Value != frappeEmail || cookies["full_name"] == nil {
			t.Errorf("%s: cookies %v, want sid (HttpOnly, SameSite=Lax), user_id and full_name", name, r.Header["Set-Cookie"])
		}
		frappeExpect(t, name+" session", Send(t, b, "GET", s.URL+frappeLoggedIn, nil), http.StatusOK,
			map[string]any{"message": frappeEmail})
	}

	for name, form := range map[string]url.Values{
		"wrong password": {"usr": {frappeEmail}, "pwd": {"Eastern_43A1X"}},
		"unknown user":   {"usr": {"nobody@example.com"}, "pwd": {frappePassword}},
	} {
		r := SendForm(t, Browser(t), "POST", login, form)
		frappeExpect(t, name, r, http.StatusUnauthorized, map[string]any{"message": "Invalid login credentials"})
		if len(r.Header["Set-Cookie"]) != 0 {
			t.Errorf("%s set cookies %v", name, r.Header["Set-Cookie"])
		}
	}
	frappeExpect(t, "no password", SendForm(t, Browser(t), "POST", login, url.Values{"usr": {frappeEmail}}),
		http.StatusUnauthorized, map[string]any{"message": "Incomplete login details"})
	if n := frappeCount(t, s.Server, "SELECT COUNT(*) FROM sessions"); n != 3 {
		t.Errorf("%d sessions, want the 3 successful logins", n)
	}
}

func TestFrappeLogout(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	for _, method := range []string{"GET", "POST"} {
		b := s.frappeLogin(t)
		var body url.Values
		if method == "POST" {
			body = url.Values{}
		}
		r := SendForm(t, b, method, s.URL+"/api/method/logout", body)
		if r.Status != http.StatusOK || string(r.Raw) != "{}" {
			t.Fatalf("%s logout: %d %s", method, r.Status, r.Raw)
		}
		frappeExpect(t, method+" logout: session", Send(t, b, "GET", s.URL+frappeLoggedIn, nil), http.StatusUnauthorized, nil)
	}
	if n := frappeCount(t, s.Server, "SELECT COUNT(*) FROM sessions"); n != 0 {
		t.Errorf("%d sessions left after logging out", n)
	}
	frappeExpect(t, "logout without a session", Send(t, Browser(t), "GET", s.URL+"/api/method/logout", nil), http.StatusOK, nil)
}

func TestFrappeLoginPage(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, nil)
	page := Send(t, Browser(t), "GET", s.URL+"/login?redirect-to=/app", nil)
	body := string(page.Raw)
	if page.Status != http.StatusOK || !strings.Contains(body, `name="usr"`) || !strings.Contains(body, `name="pwd"`) ||
		!strings.Contains(body, `value="/app"`) || page.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("login page: %d %.400s", page.Status, body)
	}
	bad := SendForm(t, Browser(t), "POST", s.URL+"/login", url.Values{"usr": {frappeEmail}, "pwd": {"nope"}, "redirect-to": {"/app"}})
	if bad.Status != http.StatusUnauthorized || !strings.Contains(string(bad.Raw), "Invalid login credentials") {
		t.Fatalf("wrong password on the login page: %d %.300s", bad.Status, bad.Raw)
	}
	b := Browser(t)
	if loc := SendForm(t, b, "POST", s.URL+"/login", url.Values{"usr": {frappeEmail}, "pwd": {frappePassword},
		"redirect-to": {"/app"}}).Location(t); loc.String() != "/app" {
		t.Fatalf("login page redirected to %s, want /app", loc)
	}
	frappeExpect(t, "session from the login page", Send(t, b, "GET", s.URL+frappeLoggedIn, nil), http.StatusOK,
		map[string]any{"message": frappeEmail})
}

// frappeFrom is a cookieless client whose connections come from the loopback address ip, so a
// test can show the limiter counting per address.
func frappeFrom(ip string) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		}}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Logins are refused with 429 past login.max_failures failures per account, and past
// login.max_attempts attempts per address, whichever login endpoint they go to.
func TestFrappeLoginLimits(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, []Option{Env("OAUTHD_LOGIN_MAX_FAILURES=3", "OAUTHD_LOGIN_MAX_ATTEMPTS=4")})
	s.AddUser(t, "second@example.com", "second-password", "Second User")
	api, page := s.URL+"/api/method/login", s.URL+"/login"
	login := func(hc *http.Client, target, usr, pwd string) int {
		return SendForm(t, hc, "POST", target, url.Values{"usr": {usr}, "pwd": {pwd}}).Status
	}

	// Per account: three failures from .1, and the account is locked from .2 as well, while
	// another account from .2 is not.
	one, two, three := frappeFrom("127.0.0.1"), frappeFrom("127.0.0.2"), frappeFrom("127.0.0.3")
	for i, target := range []string{api, page, api} {
		if got := login(one, target, frappeEmail, "wrong-"+string(rune('a'+i))); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, got)
		}
	}
	if got := login(two, api, frappeEmail, frappePassword); got != http.StatusTooManyRequests {
		t.Fatalf("locked account from another address: %d, want 429", got)
	}
	if got := login(two, api, "second@example.com", "second-password"); got != http.StatusOK {
		t.Fatalf("another account from another address: %d, want 200", got)
	}

	// Per address: four attempts on four different accounts from .3 use its budget up.
	for i := range 4 {
		usr := "nobody" + string(rune('a'+i)) + "@example.com"
		if got := login(three, api, usr, "x"); got != http.StatusUnauthorized {
			t.Fatalf("address failure %d: %d, want 401", i+1, got)
		}
	}
	r := Send(t, three, "GET", api+"?"+url.Values{"usr": {"second@example.com"}, "pwd": {"second-password"}}.Encode(), nil)
	if r.Status != http.StatusTooManyRequests || r.Str("message") == "" {
		t.Fatalf("locked address: %d %s, want 429 with a message", r.Status, r.Raw)
	}
}
