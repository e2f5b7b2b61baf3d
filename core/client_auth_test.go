package core

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestAuthenticateClient(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		_, basicSecret := f.client(t, NewClient{ID: "basic", AuthMethods: []string{AuthBasic}})
		_, bothSecret := f.client(t, NewClient{ID: "default"})
		_, postSecret := f.client(t, NewClient{ID: "post", AuthMethods: []string{AuthPost}})
		_, noSecret := f.client(t, NewClient{ID: "pub", AuthMethods: []string{AuthNone}})
		if basicSecret == "" || postSecret == "" || noSecret != "" {
			t.Fatalf("secrets: basic %q, post %q, public %q", basicSecret, postSecret, noSecret)
		}
		_, oldSecret := f.client(t, NewClient{ID: "rotated"})
		newSecret, err := f.eng.RotateSecret(ctx, "rotated")
		if err != nil {
			t.Fatalf("RotateSecret: %v", err)
		}
		if newSecret == oldSecret || !wellFormed(newSecret) {
			t.Fatalf("RotateSecret = %q, want a fresh token", newSecret)
		}
		if _, err := f.eng.RotateSecret(ctx, "pub"); err == nil {
			t.Error("RotateSecret gave a public client a secret")
		}

		cases := []struct {
			name   string
			cred   ClientCredentials
			reason Reason // 0: accepted
		}{
			{"basic", ClientCredentials{ID: "basic", Secret: basicSecret, Method: AuthBasic}, 0},
			{"basic wrong secret", ClientCredentials{ID: "basic", Secret: postSecret, Method: AuthBasic}, ReasonClientAuthFailed},
			{"basic secret with one character changed", ClientCredentials{ID: "basic", Secret: basicSecret[:39] + "!", Method: AuthBasic}, ReasonClientAuthFailed},
			{"basic secret prefix", ClientCredentials{ID: "basic", Secret: basicSecret[:20], Method: AuthBasic}, ReasonClientAuthFailed},
			{"basic huge secret", ClientCredentials{ID: "basic", Secret: basicSecret + strings.Repeat("x", 4096), Method: AuthBasic}, ReasonClientAuthFailed},
			{"basic secret digest", ClientCredentials{ID: "basic", Secret: Digest(basicSecret), Method: AuthBasic}, ReasonClientAuthFailed},
			{"basic missing secret", ClientCredentials{ID: "basic", Method: AuthBasic}, ReasonClientAuthFailed},
			{"basic no method", ClientCredentials{ID: "basic", Method: AuthNone}, ReasonClientAuthFailed},
			{"basic secret but method none", ClientCredentials{ID: "basic", Secret: basicSecret, Method: AuthNone}, ReasonClientAuthFailed},
			{"basic client sent in the body", ClientCredentials{ID: "basic", Secret: basicSecret, Method: AuthPost}, ReasonClientAuthFailed},
			{"post", ClientCredentials{ID: "post", Secret: postSecret, Method: AuthPost}, 0},
			{"default client by Basic", ClientCredentials{ID: "default", Secret: bothSecret, Method: AuthBasic}, 0},
			{"default client in the body", ClientCredentials{ID: "default", Secret: bothSecret, Method: AuthPost}, 0},
			{"default client without secret", ClientCredentials{ID: "default", Method: AuthNone}, ReasonClientAuthFailed},
			{"default client wrong secret", ClientCredentials{ID: "default", Secret: basicSecret, Method: AuthPost}, ReasonClientAuthFailed},
			{"post client sent by Basic", ClientCredentials{ID: "post", Secret: postSecret, Method: AuthBasic}, ReasonClientAuthFailed},
			{"post wrong secret", ClientCredentials{ID: "post", Secret: basicSecret, Method: AuthPost}, ReasonClientAuthFailed},
			{"post missing secret", ClientCredentials{ID: "post", Method: AuthPost}, ReasonClientAuthFailed},
			{"public by id alone", ClientCredentials{ID: "pub", Method: AuthNone}, 0},
			{"public with a stray secret", ClientCredentials{ID: "pub", Secret: "whatever", Method: AuthPost}, 0},
			{"unknown client", ClientCredentials{ID: "nope", Secret: basicSecret, Method: AuthBasic}, ReasonClientUnknown},
			{"client id in other case", ClientCredentials{ID: "BASIC", Secret: basicSecret, Method: AuthBasic}, ReasonClientUnknown},
			{"client id with trailing space", ClientCredentials{ID: "basic ", Secret: basicSecret, Method: AuthBasic}, ReasonClientUnknown},
			{"missing client id", ClientCredentials{Secret: basicSecret, Method: AuthBasic}, ReasonClientUnknown},
			{"rotated: new secret", ClientCredentials{ID: "rotated", Secret: newSecret, Method: AuthBasic}, 0},
			{"rotated: old secret", ClientCredentials{ID: "rotated", Secret: oldSecret, Method: AuthBasic}, ReasonClientAuthFailed},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c, err := f.eng.AuthenticateClient(t.Context(), tc.cred)
				if tc.reason == 0 {
					if err != nil || c.ID != tc.cred.ID {
						t.Fatalf("AuthenticateClient = %+v, %v; want client %s", c, err, tc.cred.ID)
					}
					return
				}
				if c != nil {
					t.Errorf("a refused authentication returned client %s", c.ID)
				}
				wantErr(t, err, ErrInvalidClient, tc.reason)
				if e := AsError(err); e.Status() != 401 {
					t.Errorf("Status = %d, want 401", e.Status())
				}
			})
		}
	})
}

func TestAuthMethodSets(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		cases := []struct {
			in   []string
			want string // stored set; "" = refused
		}{
			{nil, "client_secret_basic client_secret_post"},
			{[]string{AuthPost, AuthBasic}, "client_secret_basic client_secret_post"},
			{[]string{AuthPost, AuthPost}, "client_secret_post"},
			{[]string{AuthNone}, "none"},
			{[]string{AuthNone, AuthBasic}, ""},
			{[]string{"private_key_jwt"}, ""},
			{[]string{""}, ""},
		}
		for i, tc := range cases {
			c, _, err := f.eng.CreateClient(t.Context(), NewClient{ID: fmt.Sprint("c", i), Name: "C",
				RedirectURIs: []string{"https://app.example/cb"}, AuthMethods: tc.in})
			if tc.want == "" {
				if !errors.Is(err, ErrInvalidInput) {
					t.Errorf("%v: err = %v, want ErrInvalidInput", tc.in, err)
				}
				continue
			}
			if err != nil || strings.Join(c.AuthMethods, " ") != tc.want {
				t.Errorf("%v: stored %+v, %v; want %q", tc.in, c, err, tc.want)
			}
		}
		// A row written before the set existed holds one method; it keeps meaning that method.
		old, secret := f.client(t, NewClient{ID: "old", AuthMethods: []string{AuthPost}})
		if !slices.Equal(old.AuthMethods, []string{AuthPost}) || Public(old) {
			t.Fatalf("old-style row %q", old.AuthMethods)
		}
		_, err := f.eng.AuthenticateClient(t.Context(), ClientCredentials{ID: "old", Secret: secret, Method: AuthBasic})
		if e := AsError(err); e == nil || e.Code != ErrInvalidClient || e.Description != errClientAuth.Description {
			t.Errorf("Basic on a post-only client: %v, want the one client-authentication failure", err)
		}
	})
}
