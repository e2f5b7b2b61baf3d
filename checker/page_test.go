package checker

import (
	"net/url"
	"testing"
)

var consentPageURL, _ = url.Parse("https://erp.example.com/api/method/frappe.integrations.oauth2.authorize?client_id=x")

// oauthd's consent page: one form, hidden fields, Allow and Deny buttons named decision.
const formPage = `<!doctype html><html><body><h1>Confirm Access</h1>
<form method="post" action="/api/method/frappe.integrations.oauth2.approve" id="consent-form">
<input type="hidden" name="csrf_token" value="tok&amp;en">
<input type="hidden" name="client_id" value="app">
<input type="checkbox" name="remember" value="1">
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
</form></body></html>`

// Frappe's template up to v15: buttons without a form, navigated by a script.
const scriptPage = `<html><body><button id="allow" class="btn">Allow</button><button id="deny">Deny</button>
<script type="text/javascript">
  frappe.ready(function() {
    $('#allow').on('click', function(event) {
      window.location.replace("/api/method/frappe.integrations.oauth2.approve?client_id=app&amp;redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb");
    });
    $('#deny').on('click', function(event) {
      window.location.replace("http://localhost:3000/cb?error=access_denied");
    });
  });
</script></body></html>`

func TestParseConsentSubmitsTheFormAsABrowser(t *testing.T) {
	p, err := parseConsent([]byte(formPage), consentPageURL)
	if err != nil {
		t.Fatal(err)
	}
	if a := p.allow; a.method != "POST" || a.target.String() != "https://erp.example.com/api/method/frappe.integrations.oauth2.approve" ||
		a.form.Encode() != "client_id=app&csrf_token=tok%26en&decision=allow" {
		t.Fatalf("allow: %s %s %s", a.method, a.target, a.form.Encode())
	}
	if d := p.deny; d.form.Get("decision") != "deny" || d.form.Get("remember") != "" {
		t.Fatalf("deny: %s", d.form.Encode())
	}
}

func TestParseConsentFollowsFrappesScript(t *testing.T) {
	p, err := parseConsent([]byte(scriptPage), consentPageURL)
	if err != nil {
		t.Fatal(err)
	}
	if a := p.allow; a.method != "GET" || a.target.Query().Get("redirect_uri") != "http://localhost:3000/cb" ||
		a.target.Host != "erp.example.com" {
		t.Fatalf("allow: %s %s", a.method, a.target)
	}
	if d := p.deny; d.target.String() != "http://localhost:3000/cb?error=access_denied" {
		t.Fatalf("deny: %s", d.target)
	}
	// the newest Frappe posts to approve with the page's CSRF token
	withCSRF := scriptPage + `<script>frappe.csrf_token = "abc123";</script>`
	p, err = parseConsent([]byte(withCSRF), consentPageURL)
	if err != nil || p.allow.method != "POST" || p.allow.csrf != "abc123" || p.allow.form.Get("csrf_token") != "abc123" {
		t.Fatalf("allow with a CSRF token: %+v %v", p.allow, err)
	}
	if _, err := parseConsent([]byte(`<html><body><p>Log in</p><form><input name="usr"></form></body></html>`),
		consentPageURL); err == nil {
		t.Fatal("a page without Allow read as a consent page")
	}
}
