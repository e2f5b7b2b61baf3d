package core

import (
	"fmt"
	"strings"
	"testing"

	"oauthd/store"
)

// After a full flow, no plaintext secret may appear in any column of any row: only digests
// (and a bcrypt hash for the password) are stored.
func TestNoPlaintextSecretsStored(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{SkipAuthorization: "auto"}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		owner := f.user(t, "owner@example.com")
		app, appSecret := f.client(t, NewClient{ID: "app", OwnerEmail: owner.Email, RefreshRotation: new(true),
			CORSOrigins: []string{"https://spa.example"},
			GrantTypes:  []string{GrantAuthorizationCode, GrantRefreshToken, GrantClientCredentials}})
		keep, keepSecret := f.client(t, NewClient{ID: "keep", AuthMethods: []string{AuthPost}})
		_, rotatedOld := f.client(t, NewClient{ID: "rotated"})
		rotatedNew, err := f.eng.RotateSecret(ctx, "rotated")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.eng.AuthenticateClient(ctx, ClientCredentials{ID: "app", Secret: appSecret, Method: AuthBasic}); err != nil {
			t.Fatal(err)
		}
		adminToken, _, err := f.eng.CreateAdminToken(ctx, "ops")
		if err != nil {
			t.Fatal(err)
		}
		adminHandle, err := f.eng.OpenAdminSession(ctx, adminToken)
		if err != nil {
			t.Fatal(err)
		}
		_, sid, err := f.eng.Login(ctx, LoginAttempt{Email: owner.Email, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		user, err := f.eng.SessionUser(ctx, sid)
		if err != nil {
			t.Fatal(err)
		}

		verifier := newVerifier()
		code := f.approve(t, app, user, AuthorizeRequest{RedirectURI: appCB, State: "st", Nonce: "nonce",
			CodeChallenge: s256(verifier), CodeChallengeMethod: PKCES256})
		first, err := f.exchange(ctx, app, code, appCB, verifier)
		if err != nil {
			t.Fatal(err)
		}
		second, err := f.refresh(ctx, app, first.RefreshToken, "")
		if err != nil {
			t.Fatal(err)
		}
		kept := f.tokens(t, keep, user, "")
		keptAgain, err := f.refresh(ctx, keep, kept.RefreshToken, "")
		if err != nil {
			t.Fatal(err)
		}
		cc, err := f.eng.ClientCredentials(ctx, ClientCredentialsRequest{Client: app, AccessTTL: accessTTL})
		if err != nil {
			t.Fatal(err)
		}
		unusedCode := f.approve(t, app, user, AuthorizeRequest{})
		if err := f.eng.revokeHeld(ctx, cc.AccessToken); err != nil { // a revocation feed row, a quirk
			t.Fatal(err)
		}
		if err := f.eng.FlushQuirks(ctx); err != nil {
			t.Fatal(err)
		}

		secrets := map[string]string{
			"client secret":                    appSecret,
			"post client secret":               keepSecret,
			"rotated-out secret":               rotatedOld,
			"rotated-in secret":                rotatedNew,
			"code":                             code,
			"unused code":                      unusedCode,
			"code verifier":                    verifier,
			"access token":                     first.AccessToken,
			"refresh token":                    first.RefreshToken,
			"rotated access token":             second.AccessToken,
			"rotated refresh token":            second.RefreshToken,
			"non-rotating access token":        kept.AccessToken,
			"non-rotating refresh token":       kept.RefreshToken,
			"second non-rotating access token": keptAgain.AccessToken,
			"client_credentials token":         cc.AccessToken,
			"session id":                       sid,
			"password":                         password,
			"CSRF token":                       CSRFToken(sid, AuthorizeRequest{ClientID: "app"}),
			"admin token":                      adminToken,
			"admin page handle":                adminHandle,
		}
		digestSeen := false
		for _, m := range store.All() {
			rows, err := f.store.DB().Model(m).Select("*").Rows()
			if err != nil {
				t.Fatalf("%T: %v", m, err)
			}
			cols, _ := rows.Columns()
			n := 0
			for rows.Next() {
				n++
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatalf("%T: scan: %v", m, err)
				}
				for i, v := range vals {
					cell := fmt.Sprint(v)
					if b, ok := v.([]byte); ok {
						cell = string(b)
					}
					for name, secret := range secrets {
						if strings.Contains(cell, secret) {
							t.Errorf("%T.%s holds the plaintext %s", m, cols[i], name)
						}
					}
					if cell == Digest(first.AccessToken) {
						digestSeen = true
					}
				}
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
			// Only `oauthd import` writes import records; tests/import_frappe_test.go scans those.
			if _, imported := m.(*store.ImportRecord); n == 0 && !imported {
				t.Errorf("%T: no rows; the flow should have written some", m)
			}
		}
		if !digestSeen {
			t.Error("the access token's digest was not found: the scan read nothing useful")
		}
	})
}
