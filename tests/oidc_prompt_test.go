package tests

// prompt and max_age over plain HTTP, in both dialects: what a silent or forced request gets.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestOIDCPromptBothDialects(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	s.AddUser(t, parityEmail, parityPassword, parityName)
	asking := s.AddClient(t, "--name", "Asks", "--redirect-uri", parityRedirect)
	trusted := s.AddClient(t, "--name", "Trusted", "--redirect-uri", parityRedirect, "--skip-authorization")
	for _, d := range parityDialects {
		t.Run(d.name(), func(t *testing.T) {
			t.Parallel()
			authorize := func(b *http.Client, c Client, extra ...string) *Resp {
				q := url.Values{"client_id": {c.ID}, "response_type": {"code"}, "redirect_uri": {parityRedirect},
					"scope": {"openid"}, "state": {"st"}}
				for i := 0; i+1 < len(extra); i += 2 {
					q.Set(extra[i], extra[i+1])
				}
				return Send(t, b, http.MethodGet, d.authorizeURL(s.URL)+"?"+q.Encode(), nil, "Accept", "text/html")
			}
			redirected := func(what string, r *Resp, param, want string) {
				t.Helper()
				loc := r.Location(t)
				if !strings.HasPrefix(loc.String(), parityRedirect+"?") || loc.Query().Get(param) != want ||
					loc.Query().Get("state") != "st" {
					t.Errorf("%s: %d to %s, want %s=%s with the state", what, r.Status, loc, param, want)
				}
			}
			guest := Browser(t)
			redirected("prompt=none, no session", authorize(guest, trusted, "prompt", "none"), "error", "login_required")
			redirected("unknown prompt", authorize(d.login(t, s, parityEmail, parityPassword), trusted, "prompt", "bogus"),
				"error", "invalid_request")
			if r := authorize(guest, Client{ID: "nobody"}, "prompt", "none"); r.Status == http.StatusFound {
				t.Errorf("prompt=none for an unknown client redirected to %s", r.Header.Get("Location"))
			}

			b := d.login(t, s, parityEmail, parityPassword)
			redirected("prompt=none, consent needed", authorize(b, asking, "prompt", "none"), "error", "consent_required")
			if r := authorize(b, trusted, "prompt", "none"); r.Location(t).Query().Get("code") == "" {
				t.Errorf("prompt=none with a session and no consent needed: %s", r.Header.Get("Location"))
			}
			if r := authorize(b, trusted, "prompt", "consent"); r.Status != http.StatusOK ||
				!strings.Contains(string(r.Raw), "Confirm Access") {
				t.Errorf("prompt=consent for a trusted client: %d %s", r.Status, r.Header.Get("Location"))
			}
			for _, extra := range [][]string{{"prompt", "login"}, {"max_age", "0"}} {
				r := authorize(b, trusted, extra...)
				loc := r.Location(t)
				back, _ := url.Parse(loc.Query().Get(map[string]string{"frappe": "redirect-to", "odoo": "redirect"}[d.name()]))
				if r.Status != http.StatusFound || back == nil || back.Query().Get("state") != "st" ||
					back.Query().Has("max_age") || back.Query().Has("prompt") {
					t.Errorf("%v with a session: want the login page, coming back without it; got %d %s", extra, r.Status, loc)
				}
			}
		})
	}
}
