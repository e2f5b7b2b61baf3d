package tests

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
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
