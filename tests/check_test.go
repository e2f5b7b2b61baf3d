package tests

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// checkResult is one row of `oauthd check --json`.
type checkResult struct {
	Dialect, Step, Status, Request, Answer, Expected string
	Differences                                      []string
}

type checkReport struct {
	Servers []struct {
		Label, Server string
		Results       []checkResult
	}
}

// regexpLine reports whether a line of text matches pattern.
func regexpLine(text, pattern string) bool {
	return regexp.MustCompile("(?m)" + pattern).MatchString(text)
}

// runCheck runs `oauthd check BASE args...` with the suite's user and client.
func runCheck(t *testing.T, base, email, password string, args ...string) (string, string, int) {
	t.Helper()
	out, stderr, code := (&Server{Env: os.Environ()}).TryCLI(append([]string{"check", base, "--user", email,
		"--password", password, "--client-id", ephApp, "--client-secret", ephSecret, "--redirect-uri", ephRedirect},
		args...)...)
	return string(out), stderr, code
}

func parseCheck(t *testing.T, out string) checkReport {
	t.Helper()
	var rep checkReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Servers) == 0 {
		t.Fatalf("check --json: %v\n%s", err, out)
	}
	return rep
}

// statuses maps dialect/step to the status of the last server in the report.
func (r checkReport) statuses() map[string]string {
	m := map[string]string{}
	for _, res := range r.Servers[len(r.Servers)-1].Results {
		m[res.Dialect+"/"+res.Step] = res.Status
	}
	return m
}

// The seed documents' flows pass against oauthd in both dialects: as the client's owner (no
// consent page) in both, and as another user through the consent page's Allow and Deny.
func TestCheckPassesAgainstOauthd(t *testing.T) {
	s := startEphemeralSuite(t)
	out, stderr, code := runCheck(t, s.URL, ephAlice, ephAlicePass, "--json")
	rep := parseCheck(t, out)
	st := rep.statuses()
	for step, status := range st {
		want := "PASS"
		if step == "frappe/consent_allow" || step == "frappe/consent_deny" {
			want = "SKIP" // alice owns the client: nobody asks her
		}
		if status != want {
			t.Errorf("%s: %s, want %s", step, status, want)
		}
	}
	if code != 0 || len(st) != 30 {
		t.Fatalf("exit %d, %d steps: %s\n%s", code, len(st), stderr, out)
	}

	table, stderr, code := runCheck(t, s.URL, ephBob, "bob-password-1", "--dialect", "frappe")
	if code != 0 || !regexpLine(table, `consent: Allow\s+PASS`) || !regexpLine(table, `consent: Deny -> access_denied\s+PASS`) ||
		strings.Contains(table, "odoo") {
		t.Fatalf("through the consent page: exit %d %s\n%s", code, stderr, table)
	}
}

// Against a server that refuses the document's token-only revocation, the revoke step FAILs
// with the answer it got, and the check exits 1.
func TestCheckReportsARefusedTokenOnlyRevocation(t *testing.T) {
	t.Setenv("OAUTHD_OAUTH_REVOCATION_AUTH", "client") // deprecated: every client refuses token-only revocation
	s := startEphemeralSuite(t)
	out, _, code := runCheck(t, s.URL, ephAlice, ephAlicePass, "--json", "--dialect", "frappe")
	var revoke *checkResult
	for _, r := range parseCheck(t, out).Servers[0].Results {
		if r.Step == "revoke" {
			revoke = &r
		}
	}
	if code != 1 || revoke == nil || revoke.Status != "FAIL" || !strings.HasPrefix(revoke.Answer, "401 application/json") ||
		!strings.Contains(revoke.Answer, `{"message":"unauthorized"}`) || !strings.Contains(revoke.Request, "revoke_token; form: token=") ||
		!strings.Contains(revoke.Expected, `"message":"success"`) {
		t.Fatalf("exit %d, revoke %+v\n%s", code, revoke, out)
	}
	table, _, _ := runCheck(t, s.URL, ephAlice, ephAlicePass, "--dialect", "frappe")
	if !regexpLine(table, `revoke \(token only\)\s+FAIL`) || !strings.Contains(table, `answer:   401 application/json {"message":"unauthorized"}`) {
		t.Fatalf("table:\n%s", table)
	}
}

// renamingProxy answers like oauthd except that the Odoo token endpoint calls
// access_token_validity "validity".
func renamingProxy(t *testing.T, upstream string) string {
	t.Helper()
	target, _ := url.Parse(upstream)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(res *http.Response) error {
		if res.Request.URL.Path != odooOAuth+"/access_token" || res.StatusCode != http.StatusOK {
			return nil
		}
		var body map[string]any
		raw, _ := io.ReadAll(res.Body)
		if err := json.Unmarshal(raw, &body); err == nil {
			body["validity"] = body["access_token_validity"]
			delete(body, "access_token_validity")
			raw, _ = json.Marshal(body)
		}
		res.Body = io.NopCloser(bytes.NewReader(raw))
		res.ContentLength = int64(len(raw))
		res.Header.Set("Content-Length", strconv.Itoa(len(raw)))
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// A server whose Odoo token answer names a field differently: DIFF with the difference, exit
// 0 (1 with --strict); --against shows that server and oauthd side by side.
func TestCheckReportsADifferentFieldNameAndComparesTwoServers(t *testing.T) {
	s := startEphemeralSuite(t)
	renamed := renamingProxy(t, s.URL)
	out, stderr, code := runCheck(t, renamed, ephAlice, ephAlicePass, "--dialect", "odoo")
	for _, step := range []string{`token: code \(form\)`, `token: code \(OAuth header\)`, `token: refresh_token`} {
		if !regexpLine(out, step+`\s+DIFF`) {
			t.Errorf("%s is not DIFF", step)
		}
	}
	if code != 0 || !strings.Contains(out, "differs:  access_token_validity: missing") ||
		!regexpLine(out, `differs:  the answer's fields: access_token, .*, token_type, validity$`) ||
		!regexpLine(out, `userinfo\s+PASS`) {
		t.Fatalf("exit %d %s\n%s", code, stderr, out)
	}
	if _, _, code := runCheck(t, renamed, ephAlice, ephAlicePass, "--dialect", "odoo", "--strict"); code != 1 {
		t.Fatalf("--strict with DIFFs: exit %d", code)
	}

	side, stderr, code := runCheck(t, renamed, ephAlice, ephAlicePass, "--against", s.URL)
	if code != 0 || !regexpLine(side, `^step\s+frappe old\s+frappe new\s+odoo old\s+odoo new$`) ||
		!regexpLine(side, `token: code \(form\)\s+PASS\s+PASS\s+DIFF\s+PASS`) ||
		!regexpLine(side, `bearer call \(Authorizaton\)\s+PASS\s+PASS\s+-\s+-`) ||
		!strings.Contains(side, "old = "+renamed+":") || !strings.Contains(side, "new = "+s.URL+": 28 PASS, 0 DIFF, 0 FAIL, 2 SKIP") {
		t.Fatalf("--against: exit %d %s\n%s", code, stderr, side)
	}
}
