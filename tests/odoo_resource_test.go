package tests

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestOdooUserinfoBearerForms(t *testing.T) {
	e := odooSetup(t)
	access := e.ownerTokens(t).Str("access_token")
	userinfo := e.s.URL + odooOAuth + "/userinfo"
	for name, r := range map[string]*Resp{
		"header":           odooGet(t, http.DefaultClient, userinfo, "Authorization", "Bearer "+access),
		"lowercase scheme": odooGet(t, http.DefaultClient, userinfo, "Authorization", "bearer "+access),
		"query":            odooGet(t, http.DefaultClient, userinfo+"?access_token="+access),
		"form":             odooPostForm(t, http.DefaultClient, userinfo, url.Values{"access_token": {access}}),
	} {
		odooExpect(t, r, http.StatusOK, map[string]any{"email": odooOwner, "name": "Olga Owner",
			"given_name": "Olga", "family_name": "Owner", "iss": e.s.URL})
		if sub := r.Str("sub"); len(sub) != 40 {
			t.Fatalf("%s: sub %q", name, sub)
		}
		odooJSONHeaders(t, r)
	}
	invalid := map[string]any{"code": float64(401), "message": "Access Token Invalid"}
	for _, hdr := range [][]string{{}, {"Authorization", "Bearer nope"}, {"Authorization", "Bearer " + access + "x"},
		{"Authorization", "Basic " + access}} {
		r := odooGet(t, http.DefaultClient, userinfo, hdr...)
		odooExact(t, r, http.StatusUnauthorized, invalid)
		if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Fatalf("401 without a Bearer challenge: %v", r.Header)
		}
	}
}

// A token without the openid scope may not read the profile.
func TestOdooUserinfoNeedsOpenID(t *testing.T) {
	e := odooSetup(t)
	access := e.ownerTokens(t, "scope", "all").Str("access_token")
	r := odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+"/userinfo", "Authorization", "Bearer "+access)
	odooExpect(t, r, http.StatusForbidden, map[string]any{"code": float64(403), "message": "insufficient_scope",
		"error": "insufficient_scope"})
}

func TestOdooRevoke(t *testing.T) {
	e := odooSetup(t)
	revoke := e.s.URL + odooOAuth + "/revoke"
	ok := map[string]any{"code": float64(200), "message": "Token revoked."}

	tok := e.ownerTokens(t)
	r := odooPostForm(t, http.DefaultClient, revoke, url.Values{"token": {tok.Str("refresh_token")},
		"client_id": {e.client.ID}, "client_secret": {e.client.Secret}})
	odooExact(t, r, http.StatusOK, ok)
	// Revoking the refresh token revokes its access token too; both rows carry revoked_at.
	odooExpect(t, odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+"/userinfo", "Authorization",
		"Bearer "+tok.Str("access_token")), http.StatusUnauthorized, map[string]any{"message": "Access Token Invalid"})
	var live int
	if err := serverSQL(t, e.s).QueryRow("SELECT COUNT(*) FROM tokens WHERE revoked_at = 0").Scan(&live); err != nil || live != 0 {
		t.Fatalf("unrevoked tokens: %d, %v", live, err)
	}

	// Unknown tokens are not an error (RFC 7009 §2.2), whether a client is named or not (whoever
	// holds a token may revoke it); a request without a token is.
	odooExact(t, odooPostForm(t, http.DefaultClient, revoke, url.Values{"token": {"unknown"}}), http.StatusOK, ok)
	odooExpect(t, odooPostForm(t, http.DefaultClient, revoke, url.Values{}), http.StatusBadRequest,
		map[string]any{"code": float64(400), "error": "invalid_request"})
	odooExact(t, odooPostForm(t, http.DefaultClient, revoke, url.Values{"token": {strings.Repeat("a", 40)},
		"client_id": {e.client.ID}, "client_secret": {e.client.Secret}}), http.StatusOK, ok)

	odooExpect(t, odooPostForm(t, http.DefaultClient, revoke, url.Values{"client_id": {e.client.ID},
		"client_secret": {e.client.Secret}}), http.StatusBadRequest, map[string]any{"code": float64(400), "error": "invalid_request"})
	odooExpect(t, odooPostForm(t, http.DefaultClient, revoke, url.Values{"token": {"x"}, "client_id": {e.client.ID},
		"client_secret": {"wrong"}}), http.StatusUnauthorized, map[string]any{"code": float64(401),
		"message": "Invalid Credentials."})

	// Another client's credentials do not revoke this client's token.
	other := e.s.AddClient(t, "--name", "Other", "--redirect-uri", odooRedirect, "--auth-method", "client_secret_post")
	tok = e.ownerTokens(t)
	odooExact(t, odooPostForm(t, http.DefaultClient, revoke, url.Values{"token": {tok.Str("access_token")},
		"client_id": {other.ID}, "client_secret": {other.Secret}}), http.StatusOK, ok)
	odooExpect(t, odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+"/userinfo", "Authorization",
		"Bearer "+tok.Str("access_token")), http.StatusOK, nil)
	// The header style works here too.
	r = odooDo(t, http.DefaultClient, Request(t, http.MethodPost, revoke, nil, "Authorization",
		odooHeader("token", tok.Str("access_token"), "client_id", e.client.ID, "client_secret", e.client.Secret)))
	odooExact(t, r, http.StatusOK, ok)
	odooExpect(t, odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+"/userinfo", "Authorization",
		"Bearer "+tok.Str("access_token")), http.StatusUnauthorized, nil)
}

func TestOdooVersion(t *testing.T) {
	s := StartServer(t, Env("OAUTHD_ODOO_SERVER_VERSION=oauthd-2.3.1"))
	r := odooGet(t, http.DefaultClient, s.URL+"/restapi/1.0/common/version")
	odooExact(t, r, http.StatusOK, map[string]any{"server_version": "oauthd-2.3.1", "server_serie": "2.3",
		"protocol_version": float64(1), "server_version_info": []any{2.0, 3.0, 1.0, "final", 0.0, ""}})
	// The default, unauthenticated.
	s = StartServer(t)
	// The default is numeric, like a real Odoo's (clients compare it as a number).
	odooExpect(t, odooGet(t, http.DefaultClient, s.URL+"/restapi/1.0/common/version"), http.StatusOK,
		map[string]any{"server_version": "17.0", "server_serie": "17.0",
			"server_version_info": []any{17.0, 0.0, 0.0, "final", 0.0, ""}})
}

// Accept: application/xml gets the same data as XML, dicttoxml style, for successes and errors.
func TestOdooXMLResponses(t *testing.T) {
	e := odooSetup(t)
	r := odooDo(t, http.DefaultClient, Request(t, http.MethodPost, e.s.URL+odooOAuth+"/access_token",
		strings.NewReader(url.Values{"client_id": {e.client.ID}, "client_secret": {e.client.Secret},
			"grant_type": {"client_credentials"}}.Encode()),
		"Content-Type", "application/x-www-form-urlencoded", "Accept", "application/xml"))
	doc := odooParseXML(t, r, http.StatusOK)
	want := map[string]string{"token_type": "str", "access_token": "str", "access_token_validity": "int",
		"expires_in": "int", "scope": "str"}
	var names []string
	for _, el := range doc.Items {
		names = append(names, el.XMLName.Local)
		if want[el.XMLName.Local] != el.Type {
			t.Fatalf("<%s type=%q>, want type %q", el.XMLName.Local, el.Type, want[el.XMLName.Local])
		}
	}
	if strings.Join(names, ",") != "access_token,access_token_validity,expires_in,scope,token_type" {
		t.Fatalf("elements %v, want every key once, sorted", names)
	}
	if v, _ := doc.child("access_token_validity"); v.Text != "1800" {
		t.Fatalf("access_token_validity %q", v.Text)
	}
	access, _ := doc.child("access_token")

	// Lists and nulls: the profile's roles and picture; text/xml works too.
	doc = odooParseXML(t, odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+"/userinfo", "Accept", "text/xml",
		"Authorization", "Bearer "+access.Text), http.StatusOK)
	if p, _ := doc.child("picture"); p.Type != "null" || p.Text != "" {
		t.Fatalf("picture %+v", p)
	}
	if roles, _ := doc.child("roles"); roles.Type != "list" {
		t.Fatalf("roles %+v", roles)
	}

	// Errors in XML; the message does not echo the parameter's name.
	r = odooDo(t, http.DefaultClient, Request(t, http.MethodPost,
		e.s.URL+odooOAuth+"/access_token?a<b>=1&a<b>=2", nil, "Accept", "application/xml"))
	doc = odooParseXML(t, r, http.StatusBadRequest)
	if c, _ := doc.child("code"); c.Type != "int" || c.Text != "400" {
		t.Fatalf("code %+v", c)
	}
	if m, _ := doc.child("message"); !strings.Contains(m.Text, "given twice") || strings.Contains(m.Text, "a<b>") {
		t.Fatalf("message %q", m.Text)
	}
	// A browser's Accept lists XML after HTML: it still gets JSON.
	r = odooGet(t, http.DefaultClient, e.s.URL+odooOAuth+"/userinfo",
		"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	odooExpect(t, r, http.StatusUnauthorized, map[string]any{"code": float64(401)})
}

func odooParseXML(t *testing.T, r *Resp, status int) odooXML {
	t.Helper()
	if r.Status != status || r.Header.Get("Content-Type") != "application/xml" {
		t.Fatalf("%d %q: %s", r.Status, r.Header.Get("Content-Type"), r.Raw)
	}
	var doc odooXML
	if err := xml.Unmarshal(r.Raw, &doc); err != nil || doc.XMLName.Local != "root" {
		t.Fatalf("not a <root> document (%v): %s", err, r.Raw)
	}
	return doc
}

// A token issued by the Odoo dialect is accepted by the Frappe dialect's REST API.
func TestOdooTokenWorksOnFrappeGetLoggedUser(t *testing.T) {
	e := odooSetup(t)
	for _, access := range []string{e.ownerTokens(t).Str("access_token"), odooPostForm(t, http.DefaultClient,
		e.s.URL+odooOAuth+"/access_token", url.Values{"client_id": {e.client.ID}, "client_secret": {e.client.Secret},
			"grant_type": {"client_credentials"}}).Str("access_token")} {
		r := odooGet(t, http.DefaultClient, e.s.URL+"/api/method/frappe.auth.get_logged_user",
			"Authorization", "Bearer "+access)
		odooExpect(t, r, http.StatusOK, map[string]any{"message": odooOwner})
	}
}
