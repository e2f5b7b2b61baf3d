package tests

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"oauthd/core"
)

// adminPageSignIn returns a browser signed in to the admin page at page.
func adminPageSignIn(t *testing.T, a *adminAPI, page string) *http.Client {
	t.Helper()
	b := Browser(t)
	if r := SendForm(t, b, "POST", page+"/signin", url.Values{"token": {a.token}}); r.Status != http.StatusSeeOther {
		t.Fatalf("sign in: %s", r)
	}
	return b
}

// A form post from a search keeps the search: a success sends the browser back to the same
// search (post/redirect/get) with the outcome shown once; a refusal answers with the search.
func TestAdminPageKeepsTheSearchAcrossAPost(t *testing.T) {
	t.Parallel()
	a := startAdmin(t)
	a.AddUser(t, "ann@example.com", "ann-password", "Ann Lee")
	a.AddUser(t, "bob@example.com", "bob-password", "Bob Stone")
	page := strings.TrimSuffix(a.base, "/admin/v1")
	b := adminPageSignIn(t, a, page)
	searched := Send(t, b, "GET", page+"/?q=ann", nil)
	csrf := hiddenFields(searched.Raw).Get("csrf_token")
	if searched.Status != http.StatusOK || csrf == "" || !strings.Contains(string(searched.Raw), `name="q" value="ann"`) {
		t.Fatalf("the search page: %s", searched)
	}

	r := SendForm(t, b, "POST", page+"/users/disable", url.Values{"csrf_token": {csrf}, "q": {"ann"},
		"email": {"ann@example.com"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/?q=ann" {
		t.Fatalf("disable under the search 'ann': %d to %q, want 303 to /?q=ann", r.Status, r.Header.Get("Location"))
	}
	back := Send(t, b, "GET", page+r.Header.Get("Location"), nil)
	body := string(back.Raw)
	if back.Status != http.StatusOK || !strings.Contains(body, `id="q" value="ann"`) ||
		!strings.Contains(body, "Disabled ann@example.com") || strings.Contains(body, "bob@example.com") ||
		!strings.Contains(body, `<span class="off">disabled</span>`) {
		t.Fatalf("the page after the redirect: %s", back)
	}
	if again := Send(t, b, "GET", page+"/?q=ann", nil); strings.Contains(string(again.Raw), `id="notice"`) {
		t.Fatalf("the notice showed twice: %s", again)
	}

	// A refusal is rendered at once, under the same search.
	r = SendForm(t, b, "POST", page+"/users/disable", url.Values{"csrf_token": {csrf}, "q": {"bob"},
		"email": {"nobody@example.com"}})
	if body := string(r.Raw); r.Status != http.StatusBadRequest || !strings.Contains(body, `id="error"`) ||
		!strings.Contains(body, `id="q" value="bob"`) || strings.Contains(body, "ann@example.com") {
		t.Fatalf("a refused disable under the search 'bob': %s", r)
	}

	// A notice cookie the page did not set shows nothing.
	u, _ := url.Parse(page)
	b.Jar.SetCookies(u, []*http.Cookie{{Name: "oauthd_admin_notice", Value: "Rm9yZ2Vk.bm90LWEtbWFj", Path: "/"}})
	if forged := Send(t, b, "GET", page+"/", nil); strings.Contains(string(forged.Raw), "Forged") {
		t.Fatalf("a forged notice was shown: %s", forged)
	}
}

// Finding 1 of the third review: the admin page's cookie held the raw admin token, which every
// listener on the host name received (cookies ignore ports), a proxied API included, and which
// opened the whole admin API for as long as the token lived. Now the cookie holds a handle of
// its own: stored as a digest, expiring, ended by sign-out and by revoking the token, and no
// key to the API.
func TestSecurityAdminPageCookieIsAHandle(t *testing.T) {
	t.Parallel()
	a := startAdmin(t)
	page := strings.TrimSuffix(a.base, "/admin/v1")
	u, _ := url.Parse(page)
	handleOf := func(b *http.Client) string {
		for _, c := range b.Jar.Cookies(u) {
			if c.Name == "oauthd_admin" {
				return c.Value
			}
		}
		return ""
	}
	signedIn := func(b *http.Client) bool {
		r := Send(t, b, "GET", page+"/", nil)
		return r.Status == http.StatusOK && strings.Contains(string(r.Raw), `id="create-client"`)
	}

	b := Browser(t)
	r := SendForm(t, b, "POST", page+"/signin", url.Values{"token": {a.token}})
	cookie := r.Header.Get("Set-Cookie")
	handle := handleOf(b)
	if r.Status != http.StatusSeeOther || len(handle) != 40 || handle == a.token || !strings.Contains(cookie, "HttpOnly") ||
		!strings.Contains(cookie, "SameSite=Strict") || !strings.Contains(strings.ToLower(cookie), "max-age=28800") || !signedIn(b) {
		t.Fatalf("sign in: %s, cookie %q", r, cookie)
	}
	if strings.Contains(cookie, a.token) {
		t.Fatal("the cookie holds the admin token")
	}
	var stored, tokenID string
	if err := serverSQL(t, a.Server).QueryRow("SELECT id, token_id FROM admin_sessions").Scan(&stored, &tokenID); err != nil ||
		stored != core.Digest(handle) || tokenID != core.Digest(a.token) {
		t.Fatalf("admin_sessions row: %q %q %v, want the handle's and the token's digests", stored, tokenID, err)
	}
	if r := Send(t, nil, "GET", a.base+"/clients", nil, "Authorization", "Bearer "+handle); r.Status != http.StatusUnauthorized {
		t.Fatalf("the page's handle as an API token: %s, want 401", r)
	}

	// Signing out ends the handle, even replayed.
	csrf := hiddenFields(Send(t, b, "GET", page+"/", nil).Raw).Get("csrf_token")
	if r := SendForm(t, b, "POST", page+"/signout", url.Values{"csrf_token": {csrf}}); r.Status != http.StatusSeeOther {
		t.Fatalf("sign out: %s", r)
	}
	replay := Browser(t)
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: "oauthd_admin", Value: handle}})
	if signedIn(replay) {
		t.Fatal("a signed-out handle still opens the page")
	}

	// An expired sign-in is over; revoking the token signs its browsers out.
	expiring, revoked := adminPageSignIn(t, a, page), adminPageSignIn(t, a, page)
	protectExec(t, a.Server, "UPDATE admin_sessions SET expires_at = 1 WHERE id = ?", core.Digest(handleOf(expiring)))
	if signedIn(expiring) || !signedIn(revoked) {
		t.Fatalf("after expiry: expired browser signed in %v, other %v", signedIn(expiring), signedIn(revoked))
	}
	a.CLI(t, "admin", "token", "revoke", "ci")
	if signedIn(revoked) {
		t.Fatal("revoking the admin token left its browser signed in")
	}
	if n := frappeCount(t, a.Server, "SELECT COUNT(*) FROM admin_sessions"); n != 0 {
		t.Fatalf("%d admin sessions left after the token's revocation", n)
	}
}
