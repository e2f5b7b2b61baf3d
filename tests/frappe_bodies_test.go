package tests

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// sendMultipart posts fields (repeats kept) as multipart/form-data, as a browser's or React
// Native's FormData does.
func sendMultipart(t *testing.T, hc *http.Client, target string, fields url.Values, hdr ...string) *Resp {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return Send(t, hc, http.MethodPost, target, &buf, append([]string{"Content-Type", w.FormDataContentType()}, hdr...)...)
}

func sendJSON(t *testing.T, target, body string) *Resp {
	t.Helper()
	return Send(t, nil, http.MethodPost, target, strings.NewReader(body), "Content-Type", "application/json")
}

// FormData bodies work on login, approve, get_token, introspect_token and revoke_token, and
// JSON bodies on introspect_token and revoke_token, as Frappe's werkzeug form and form_dict
// read them; under both prefixes.
func TestFrappeMultipartAndJSONBodies(t *testing.T) {
	t.Parallel()
	s := frappeStart(t, frappeCompatAuth) // bare-token bodies, as Frappe's clients send them
	b := Browser(t)
	frappeExpect(t, "multipart login", sendMultipart(t, b, s.URL+"/api/method/login",
		url.Values{"usr": {frappeEmail}, "pwd": {frappePassword}}), http.StatusOK, map[string]any{"message": "Logged In"})

	for _, prefix := range []string{frappeOAuth, frappeLegacy} {
		q := s.frappeQuery()
		form := frappeConsent(t, b, s.URL, prefix, q)
		form.Set("decision", "allow")
		loc := sendMultipart(t, b, s.URL+prefix+"approve", form).Location(t)
		code := loc.Query().Get("code")
		if code == "" || loc.Query().Get("state") != q.Get("state") {
			t.Fatalf("multipart approve redirected to %s", loc)
		}
		tok := sendMultipart(t, nil, s.URL+prefix+"get_token", url.Values{"grant_type": {"authorization_code"},
			"code": {code}, "redirect_uri": {frappeRedirect}, "client_id": {s.client.ID}, "client_secret": {s.client.Secret}})
		frappeExpect(t, "multipart get_token", tok, http.StatusOK, map[string]any{"token_type": "Bearer", "scope": "all openid"})
		access := tok.Str("access_token")

		in := sendJSON(t, s.URL+prefix+"introspect_token", `{"token": "`+access+`", "token_type_hint": "access_token"}`)
		frappeExpect(t, "JSON introspect_token", in, http.StatusOK, map[string]any{"active": true,
			"client_id": s.client.ID, "email": frappeEmail})
		in = sendMultipart(t, nil, s.URL+prefix+"introspect_token", url.Values{"token": {access}})
		frappeExpect(t, "multipart introspect_token", in, http.StatusOK, map[string]any{"active": true})

		frappeExpect(t, "JSON revoke_token", sendJSON(t, s.URL+prefix+"revoke_token", `{"token": "`+access+`"}`),
			http.StatusOK, map[string]any{"message": "success"})
		frappeExpect(t, "revoked by JSON", sendJSON(t, s.URL+prefix+"introspect_token", `{"token": "`+access+`"}`),
			http.StatusOK, map[string]any{"active": false})
		frappeExpect(t, "multipart revoke_token", sendMultipart(t, nil, s.URL+prefix+"revoke_token",
			url.Values{"token": {tok.Str("refresh_token")}}), http.StatusOK, map[string]any{"message": "success"})
	}

	// The refusals stay: repeated parameters, non-string JSON values, and JSON where Frappe
	// reads only a form (get_token, through oauthlib).
	tokenURL := s.URL + frappeOAuth + "get_token"
	frappeExpect(t, "repeated multipart field", sendMultipart(t, nil, tokenURL, url.Values{
		"grant_type": {"client_credentials", "client_credentials"}}), http.StatusBadRequest,
		map[string]any{"error": "invalid_request", "error_description": "Duplicate parameter."})
	frappeExpect(t, "JSON get_token", sendJSON(t, tokenURL, `{"grant_type": "client_credentials"}`),
		http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "Missing grant_type parameter."})
	for _, body := range []string{`{"token": 42}`, `{"token": ["a"]}`, `{"token": null}`, `{"token": "a", "token": "b"}`, `[1]`} {
		frappeExpect(t, "JSON introspect_token "+body, sendJSON(t, s.URL+frappeOAuth+"introspect_token", body),
			http.StatusBadRequest, map[string]any{"error": "invalid_request"})
		frappeExpect(t, "JSON revoke_token "+body, sendJSON(t, s.URL+frappeOAuth+"revoke_token", body),
			http.StatusBadRequest, map[string]any{"message": "bad request"})
	}
}
