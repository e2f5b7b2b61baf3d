package tests

// RFC 9207: every authorization response names the issuer, in both dialects, success and
// error, redirect and the Odoo module's JSON body; the metadata says so.

import (
	"net/http"
	"net/url"
	"testing"
)

func TestAuthorizationResponseIssuer(t *testing.T) {
	t.Parallel()
	site := frappeStart(t, nil)
	meta := Send(t, nil, http.MethodGet, site.URL+"/.well-known/oauth-authorization-server", nil)
	iss := meta.Str("issuer")
	if iss != site.URL || meta.JSON["authorization_response_iss_parameter_supported"] != true {
		t.Fatalf("metadata: %s", meta.Raw)
	}
	issOnce := func(what string, loc *url.URL) {
		t.Helper()
		if got := loc.Query()["iss"]; len(got) != 1 || got[0] != iss {
			t.Errorf("%s: iss %v in %s, want %q once", what, got, loc, iss)
		}
	}
	b := site.frappeLogin(t)
	q := site.frappeQuery()
	loc := frappeDecide(t, b, site.URL, frappeOAuth, frappeConsent(t, b, site.URL, frappeOAuth, q), "allow")
	if loc.Query().Get("code") == "" || loc.Query().Get("state") != q.Get("state") {
		t.Fatalf("approve: %s", loc)
	}
	issOnce("frappe code", loc)
	issOnce("frappe access_denied", frappeDecide(t, b, site.URL, frappeOAuth,
		frappeConsent(t, b, site.URL, frappeOAuth, q), "deny"))
	bad := site.frappeQuery("scope", "admin")
	issOnce("frappe invalid_scope", Send(t, b, http.MethodGet, site.URL+frappeOAuth+"authorize?"+bad.Encode(), nil).Location(t))

	e := odooSetup(t)
	hc := odooLogin(t, e.s, odooOwner, odooOwnerPass)
	r := odooGet(t, hc, e.authorizeQuery())
	if r.Status != http.StatusFound || r.Location(t).Query().Get("code") == "" {
		t.Fatalf("odoo authorize: %s", r)
	}
	oiss := e.s.URL
	if got := r.Location(t).Query()["iss"]; len(got) != 1 || got[0] != oiss {
		t.Errorf("odoo code redirect: iss %v, want %q", got, oiss)
	}
	r = odooGet(t, hc, e.authorizeQuery("response_type", "token"))
	if got := r.Location(t).Query(); got.Get("error") != "unsupported_response_type" || got.Get("iss") != oiss {
		t.Errorf("odoo error redirect: %s", r.Location(t))
	}
	data := odooGet(t, hc, e.authorizeQuery(), "Accept", "application/json")
	odooExpect(t, data, http.StatusOK, map[string]any{"state": "st-123", "iss": oiss})
	if data.Str("code") == "" || len(data.JSON) != 3 {
		t.Errorf("odoo data answer: %s, want code, state and iss", data.Raw)
	}
	tok := e.exchange(t, data.Str("code"))
	odooExpect(t, tok, http.StatusOK, map[string]any{"token_type": "Bearer"})
}
