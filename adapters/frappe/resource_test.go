package frappe

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/adaptertest"
	"oauthd/compat"
	"oauthd/core"
	"oauthd/models"
)

func TestBearerFromRequest(t *testing.T) {
	t.Parallel()
	const misspelt = compat.MisspeltAuthorizationHeader
	for _, tc := range []struct {
		name   string
		header []string
		token  string
		sent   bool
		used   core.Quirks
	}{
		{"Bearer", []string{"Authorization", "Bearer tok"}, "tok", true, 0},
		{"lower-case scheme", []string{"Authorization", "bearer tok"}, "tok", true, 0},
		{"upper-case scheme", []string{"Authorization", "BEARER tok"}, "tok", true, 0},
		{"extra spaces", []string{"Authorization", "Bearer   tok  "}, "tok", true, 0},
		{"misspelt header", []string{misspelt, "Bearer tok"}, "tok", true, core.QuirkAuthorizatonHeader},
		{"misspelt header, lower case name", []string{"authorizaton", "bearer tok"}, "tok", true, core.QuirkAuthorizatonHeader},
		{"both: the correct one wins", []string{"Authorization", "Bearer right", misspelt, "Bearer wrong"}, "right", true, 0},
		{"Basic", []string{"Authorization", "Basic YTpi"}, "", true, 0},
		{"token scheme", []string{"Authorization", "token key:secret"}, "", true, 0},
		{"no token", []string{"Authorization", "Bearer "}, "", true, 0},
		{"two tokens", []string{"Authorization", "Bearer a b"}, "", true, 0},
		{"absent", nil, "", false, 0},
		{"other header", []string{"X-Authorization", "Bearer tok"}, "", false, 0},
	} {
		c := adaptertest.Ctx(t, fiber.MethodGet, "/", "", tc.header...)
		token, sent, used := BearerFromRequest(c)
		if token != tc.token || sent != tc.sent || used != tc.used {
			t.Errorf("%s: (%q, %v, %v), want (%q, %v, %v)", tc.name, token, sent, used, tc.token, tc.sent, tc.used)
		}
	}
}

func TestUserinfoToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, method, body string
		header             []string
		token              string
		errCode            string
	}{
		{"GET, header", fiber.MethodGet, "", []string{"Authorization", "Bearer h"}, "h", ""},
		{"GET ignores the query", fiber.MethodGet, "", nil, "", ""},
		{"POST, header", fiber.MethodPost, "", []string{"Authorization", "Bearer h"}, "h", ""},
		{"POST, body", fiber.MethodPost, "access_token=b", nil, "b", ""},
		{"POST, both", fiber.MethodPost, "access_token=b", []string{"Authorization", "Bearer h"}, "", core.ErrInvalidRequest},
		{"POST, duplicate body token", fiber.MethodPost, "access_token=b&access_token=b", nil, "", core.ErrInvalidRequest},
		{"POST, header and empty body token", fiber.MethodPost, "access_token=", []string{"Authorization", "Bearer h"}, "h", ""},
	} {
		c := adaptertest.Ctx(t, tc.method, "/?access_token=q", tc.body, tc.header...)
		token, _, err := userinfoToken(c)
		switch {
		case tc.errCode == "" && (err != nil || token != tc.token):
			t.Errorf("%s: %q, %+v; want %q", tc.name, token, err, tc.token)
		case tc.errCode != "" && (err == nil || err.Code != tc.errCode || token != ""):
			t.Errorf("%s: %q, %+v; want %s", tc.name, token, err, tc.errCode)
		}
	}
}

func TestIntrospection(t *testing.T) {
	t.Parallel()
	issued, expires := time.Unix(1_700_000_000, 0), time.Unix(1_700_003_600, 0)
	principal := func(scopes ...string) *core.Principal {
		return &core.Principal{Email: "a@example.com", FullName: "Alice Doe", FirstName: "Alice", LastName: "Doe", Subject: "sub-1", ClientID: "app",
			Scopes: scopes, ExpiresAt: expires, Roles: []string{"R"}}
	}
	for _, tc := range []struct {
		name string
		in   *core.Introspection
		want string
	}{
		{"access token, no openid", &core.Introspection{Active: true, Kind: models.KindAccess, Principal: principal("all"),
			IssuedAt: issued},
			`{"active":true,"client_id":"app","exp":1700003600,"iat":1700000000,"scope":"all","sub":"sub-1",` +
				`"token_type":"Bearer","trusted_client":0}`},
		{"trusted client, openid claims", &core.Introspection{Active: true, Kind: models.KindAccess, TrustedClient: true,
			Principal: principal("all", "openid"), IssuedAt: issued},
			`{"active":true,"client_id":"app","email":"a@example.com","exp":1700003600,"family_name":"Doe",` +
				`"given_name":"Alice","iat":1700000000,"iss":"http://issuer","name":"Alice Doe","picture":null,` +
				`"roles":["R"],"scope":"all openid","sub":"sub-1","token_type":"Bearer","trusted_client":1}`},
		{"refresh token without expiry", &core.Introspection{Active: true, Kind: models.KindRefresh,
			Principal: &core.Principal{ClientID: "app", Subject: "sub-1", Scopes: []string{"all"}}, IssuedAt: issued},
			`{"active":true,"client_id":"app","iat":1700000000,"scope":"all","sub":"sub-1",` +
				`"token_type":"refresh_token","trusted_client":0}`},
	} {
		got, err := json.Marshal(introspection(tc.in, "http://issuer"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
