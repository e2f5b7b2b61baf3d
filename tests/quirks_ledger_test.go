package tests

// The quirk ledger as an operator reads it (CLI, admin API, Prometheus) and tightening a
// client with --refuse-quirk, in each dialect's own error shape.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// An Odoo-style script uses each of its habits a known number of times: the ledger (admin API,
// this instance's counts included), the Prometheus counter and, after a restart, the CLI all
// give exactly those counts; a use refused later is counted as a use and a refusal.
func TestQuirkLedgerCountsWhatAScriptDid(t *testing.T) {
	a := startAdmin(t, Env("OAUTHD_METRICS_ADDR=127.0.0.1:0"))
	e := &odooEnv{s: a.Server}
	a.AddUser(t, odooOwner, odooOwnerPass, "Olga Owner")
	e.client = a.AddClient(t, "--name", "Odoo App", "--redirect-uri", odooRedirect, "--owner", odooOwner,
		"--profile", "odoo")
	hc := odooLogin(t, a.Server, odooOwner, odooOwnerPass)
	token := e.ownerTokens(t).Str("access_token")                                                                             // no quirk
	if loc := odooGet(t, hc, e.authorizeQuery("client_secret", e.client.Secret)).Location(t); loc.Query().Get("code") == "" { // secret_in_url 1
		t.Fatalf("authorize with the secret in the URL: %s", loc)
	}
	for range 2 { // no_grant_type 2
		r := odooPostForm(t, http.DefaultClient, a.URL+odooOAuth+"/access_token",
			url.Values{"client_id": {e.client.ID}, "client_secret": {e.client.Secret}})
		odooExpect(t, r, http.StatusOK, nil)
	}
	for range 3 { // token_in_query 3
		odooExpect(t, odooGet(t, http.DefaultClient, a.URL+odooOAuth+"/userinfo?access_token="+token), http.StatusOK, nil)
	}
	// token_in_query 4: a proxy in front asks /oauth2/verify about a request carrying its token
	// in the query, as nginx's auth_request passes it.
	if r := Send(t, nil, "GET", a.URL+verifyPath, nil, "X-Original-URI",
		"/restapi/1.0/object/res.partner?ids=1&access_token="+token); r.Status != http.StatusOK {
		t.Fatalf("/oauth2/verify with the token in the original URI's query: %s", r)
	}
	odooExpect(t, odooPostForm(t, http.DefaultClient, a.URL+odooOAuth+"/revoke", url.Values{"token": {token}}), // revoke_without_client 1
		http.StatusOK, nil)
	want := map[string][2]int64{"secret_in_url": {1, 0}, "no_grant_type": {2, 0}, "token_in_query": {4, 0},
		"revoke_without_client": {1, 0}}

	r := a.call(t, "GET", "/clients/"+e.client.ID+"/quirks", nil)
	expectStatus(t, "quirks", r, http.StatusOK)
	got := map[string][2]int64{}
	for _, l := range r.JSON["quirks"].([]any) {
		m := l.(map[string]any)
		got[m["quirk"].(string)] = [2]int64{int64(m["count"].(float64)), int64(m["refused"].(float64))}
	}
	wantQuirks(t, "admin API", got, want)
	metrics := scrape(t, metricsURL(t, a.Server))
	for q, n := range want {
		series := `oauthd_client_quirks_total{client_id="` + e.client.ID + `",quirk="` + q + `"}`
		if v := sample(metrics, series); v != float64(n[0]) {
			t.Errorf("%s = %v, want %d", series, v, n[0])
		}
	}
	expectStatus(t, "quirks of an unknown client", a.call(t, "GET", "/clients/nobody/quirks", nil), http.StatusNotFound)
	page := strings.TrimSuffix(a.base, "/admin/v1")
	html := string(Send(t, adminPageSignIn(t, a, page), "GET", page+"/", nil).Raw)
	if !strings.Contains(html, "<td>odoo</td>") || !strings.Contains(html, "token_in_query ×4") {
		t.Fatalf("the admin page's quirk column:\n%s", html)
	}
	expectStatus(t, "an unknown quirk refused", a.call(t, "PATCH", "/clients/"+e.client.ID,
		map[string]any{"refused_quirks": []string{"tokens_in_query"}}), http.StatusBadRequest)

	// Tightened through the admin API: refused at once on this instance, in the module's shape.
	r = a.call(t, "PATCH", "/clients/"+e.client.ID, map[string]any{"refused_quirks": []string{"token_in_query"}})
	expectStatus(t, "refuse token_in_query", r, http.StatusOK)
	token = e.ownerTokens(t).Str("access_token")
	odooExpect(t, odooGet(t, http.DefaultClient, a.URL+odooOAuth+"/userinfo?access_token="+token),
		http.StatusUnauthorized, map[string]any{"code": float64(401), "message": "Access Token Invalid"})
	if r := Send(t, nil, "GET", a.URL+verifyPath, nil, "X-Original-URI", "/x?access_token="+token); r.Status != http.StatusUnauthorized {
		t.Fatalf("/oauth2/verify, token_in_query refused: %s", r)
	}
	if r := Send(t, nil, "GET", a.URL+verifyPath, nil, "Authorization", "Bearer "+token); r.Status != http.StatusOK {
		t.Fatalf("/oauth2/verify, the same token in the header: %s", r)
	}
	want["token_in_query"] = [2]int64{6, 2}

	restart(t, a.Server)
	wantQuirks(t, "CLI after a restart", quirkCounts(t, a.Server, e.client.ID), want)
}

// --refuse-quirk refuses a client's legacy behaviour in each dialect's own shape, and the
// refusal is counted; `all` refuses every one; --allow-quirk takes a refusal back.
func TestRefuseQuirkDialectShapes(t *testing.T) {
	t.Parallel()
	s, c := seedSite(t)
	b := frappeLoginAs(t, s, seedEmail, seedPassword)
	tokens := func() *Resp {
		code := seedCode(t, s, frappeOAuth, url.Values{"client_id": {c.ID}, "scope": {"project"},
			"response_type": {"code"}, "redirect_uri": {seedCallback}, "state": {"s"}})
		return SendForm(t, nil, "POST", s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"authorization_code"},
			"code": {code}, "redirect_uri": {seedCallback}, "client_id": {c.ID}, "client_secret": {c.Secret}})
	}
	at := tokens().Str("access_token")
	s.CLI(t, "client", "update", c.ID, "--refuse-quirk", "revoke_without_client", "--refuse-quirk", "secret_in_url",
		"--refuse-quirk", "authorizaton_header")

	// Frappe's shapes.
	rev := SendForm(t, nil, "POST", s.URL+frappeOAuth+"revoke_token", url.Values{"token": {at}})
	if rev.Status != http.StatusUnauthorized || string(rev.Raw) != `{"message":"unauthorized"}` {
		t.Fatalf("frappe revoke_token, refused: %s", rev)
	}
	q := url.Values{"client_id": {c.ID}, "client_secret": {c.Secret}, "scope": {"project"}, "response_type": {"code"},
		"redirect_uri": {seedCallback}}
	frappeExpect(t, "frappe authorize, secret in the URL refused", Send(t, b, "GET", s.URL+frappeOAuth+"authorize?"+q.Encode(), nil),
		http.StatusBadRequest, map[string]any{"error": "invalid_request", "status_code": 400,
			"description": "Never put client_secret in a URL: send it in a POST body or a header."})
	// Bearer checks read refusals from memory: a change made by the CLI reaches them within 5 s.
	waitFor(t, 20*time.Second, "the Authorizaton header refused", func() bool {
		return bearerStatus(t, s, "Authorizaton", at) == http.StatusUnauthorized
	})
	if st := bearerStatus(t, s, "Authorization", at); st != http.StatusOK {
		t.Fatalf("the same token in the right header: %d", st)
	}

	// The module's shapes for the same refusals.
	rev = SendForm(t, nil, "POST", s.URL+odooOAuth+"/revoke", url.Values{"token": {at}})
	odooExpect(t, rev, http.StatusUnauthorized, map[string]any{"code": float64(401), "message": "Invalid Credentials."})
	ob := odooLogin(t, s, seedEmail, seedPassword)
	odooExpect(t, odooGet(t, ob, s.URL+odooOAuth+"/authorize?"+q.Encode()), http.StatusBadRequest,
		map[string]any{"code": float64(400), "message": "Never put client_secret in a URL: send it in a POST body or a header."})

	s.CLI(t, "client", "update", c.ID, "--allow-quirk", "all", "--refuse-quirk", "no_client_auth")
	r := SendForm(t, nil, "POST", s.URL+frappeOAuth+"revoke_token", url.Values{"token": {at}})
	if r.Status != http.StatusOK || bearerStatus(t, s, "Authorization", at) != http.StatusUnauthorized {
		t.Fatalf("revoke_without_client allowed again: %s", r)
	}
	code := seedCode(t, s, frappeOAuth, url.Values{"client_id": {c.ID}, "scope": {"project"}, "response_type": {"code"},
		"redirect_uri": {seedCallback}, "state": {"s"}})
	r = SendForm(t, nil, "POST", s.URL+frappeOAuth+"get_token", url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "redirect_uri": {seedCallback}, "client_id": {c.ID}})
	frappeExpect(t, "frappe-v15 refusing no_client_auth", r, http.StatusUnauthorized, map[string]any{"error": "invalid_client"})

	s.CLI(t, "client", "update", c.ID, "--refuse-quirk", "all")
	listed := jsonLines[map[string]any](t, s.CLI(t, "client", "list"))
	if len(listed) != 1 || listed[0]["profile"] != "frappe-v15" || len(listed[0]["refused_quirks"].([]any)) != 13 {
		t.Fatalf("client list: %v", listed)
	}
	s.Stop(t)
	counts := quirkCounts(t, s, c.ID)
	for _, q := range []string{"revoke_without_client", "secret_in_url", "no_client_auth"} {
		if counts[q][1] < 1 {
			t.Errorf("%s: refusals not counted: %v", q, counts)
		}
	}
	if n := counts["authorizaton_header"]; n[1] < 1 || n[0] < n[1] {
		t.Errorf("authorizaton_header: %v", n)
	}
}
