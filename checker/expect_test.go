package checker

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func jsonAnswer(t *testing.T, status int, contentType, body string) *answer {
	t.Helper()
	a := &answer{status: status, contentType: contentType, body: []byte(body)}
	dec := json.NewDecoder(bytes.NewReader(a.body))
	dec.UseNumber()
	if err := dec.Decode(&a.json); err != nil {
		a.json = nil
	}
	return a
}

func TestShapeCompare(t *testing.T) {
	for name, tc := range map[string]struct {
		sh   shape
		a    *answer
		want []string // substrings, one per difference; none: the same shape
	}{
		"documented token": {frappeTokenShape, jsonAnswer(t, 200, "application/json; charset=utf-8",
			`{"access_token":"a","token_type":"Bearer","expires_in":3600,"refresh_token":"r","scope":"all","id_token":"x"}`), nil},
		"expires_in as a string": {frappeTokenShape, jsonAnswer(t, 200, "application/json",
			`{"access_token":"a","token_type":"Bearer","expires_in":"3600","refresh_token":"r","scope":"all"}`),
			[]string{`expires_in: "3600", not a number`}},
		"validity as the document's date": {odooTokenShape, jsonAnswer(t, 200, "application/json",
			`{"access_token":"a","token_type":"Bearer","access_token_validity":"7/20/2017 12:00:05","refresh_token":"r"}`), nil},
		"validity in seconds": {odooTokenShape, jsonAnswer(t, 200, "application/json",
			`{"access_token":"a","token_type":"Bearer","access_token_validity":1800,"refresh_token":"r"}`), nil},
		"validity renamed": {odooTokenShape, jsonAnswer(t, 200, "application/json",
			`{"access_token":"a","token_type":"Bearer","expires_in":1800,"refresh_token":"r"}`),
			[]string{"access_token_validity: missing", "fields: access_token, expires_in, refresh_token, token_type"}},
		"validity as ISO": {odooTokenShape, jsonAnswer(t, 200, "application/json",
			`{"access_token":"a","token_type":"Bearer","access_token_validity":"2017-07-20T12:00:05Z","refresh_token":"r"}`),
			[]string{"neither the document's"}},
		"module message": {odooError(401, "Invalid Credentials."), jsonAnswer(t, 400, "text/html",
			`{"code":400,"message":"invalid client"}`),
			[]string{"status 400 (document: 401)", `Content-Type "text/html"`, "code: 400 (document: 401)",
				`message: "invalid client" (document: "Invalid Credentials.")`}},
		"frappe revoke answer of v13.3+": {frappeRevokeShape, jsonAnswer(t, 200, "application/json", `{}`),
			[]string{"message: missing", "fields: "}},
		"refusal in either status": {frappeRefused, jsonAnswer(t, 403, "text/html", "<html>"), nil},
		"not JSON":                 {frappeUserShape, jsonAnswer(t, 200, "application/json", "[1]"), []string{"not a JSON object"}},
	} {
		got := tc.sh.compare(tc.a)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
			continue
		}
		for i, w := range tc.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: difference %d is %q, want %q", name, i, got[i], w)
			}
		}
	}
}

// What a report shows never holds a secret whole.
func TestRequestsAndAnswersAreMasked(t *testing.T) {
	base := consentPageURL
	r := request{Method: "POST", Path: "/x?code=abcdefghij&state=s", Header: []string{"Authorization",
		"OAuth client_id='app', client_secret='s3cret-value', code='abcdefghij'"},
		Form: map[string][]string{"password": {"hunter22"}, "token": {"tokentokentoken"}, "client_id": {"app"}}}
	got := describeRequest(r, base)
	for _, leak := range []string{"s3cret", "hunter22", "abcdefghij", "tokentokentoken"} {
		if strings.Contains(got, leak) {
			t.Fatalf("%q shows %q", got, leak)
		}
	}
	if !strings.Contains(got, "client_id=app") || !strings.Contains(got, "code='abcdef…'") {
		t.Fatalf("masked too much: %q", got)
	}
	a := jsonAnswer(t, 200, "application/json", `{"access_token":"0123456789abcdef","scope":"all"}`)
	if d := a.describe(); strings.Contains(d, "0123456789") || !strings.Contains(d, `"access_token":"012345…"`) {
		t.Fatalf("answer: %q", d)
	}
}
