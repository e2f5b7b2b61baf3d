package core

import (
	"testing"
	"time"

	"oauthd/store"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ada := f.user(t, "ada@example.com")
		bob := f.user(t, "bob@example.com")
		f.disable(t, bob)

		u, sid, err := f.eng.Login(t.Context(), LoginAttempt{Email: " ada@example.com ", Password: password})
		if err != nil {
			t.Fatalf("Login: %v", err)
		}
		if u.ID != ada.ID || !wellFormed(sid) {
			t.Errorf("Login = user %d, session %q", u.ID, sid)
		}
		var row store.Session
		if err := f.store.DB().Where("user_id = ?", ada.ID).Take(&row).Error; err != nil || row.ID != Digest(sid) {
			t.Errorf("session row = %+v, %v; want the id's digest", row, err)
		}

		cases := []struct {
			name, email, password string
			code                  string
		}{
			{"wrong password", "ada@example.com", password + "!", ErrAccessDenied},
			{"password prefix", "ada@example.com", password[:8], ErrAccessDenied},
			{"unknown email", "nobody@example.com", password, ErrAccessDenied},
			{"disabled user", "bob@example.com", password, ErrAccessDenied},
			{"empty password", "ada@example.com", "", ErrInvalidRequest},
			{"empty email", "", password, ErrInvalidRequest},
			{"blank email", "   ", password, ErrInvalidRequest},
		}
		var description string
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				u, sid, err := f.eng.Login(t.Context(), LoginAttempt{Email: tc.email, Password: tc.password})
				if u != nil || sid != "" {
					t.Errorf("failed login returned user %v, session %q", u, sid)
				}
				wantErr(t, err, tc.code, ReasonLoginFailed)
				if tc.code == ErrAccessDenied {
					// Wrong password, unknown account and disabled account read the same.
					if d := AsError(err).Description; description == "" {
						description = d
					} else if d != description {
						t.Errorf("Description = %q, want %q for every failed login", d, description)
					}
				}
			})
		}
		var n int64
		f.store.DB().Model(&store.Session{}).Count(&n)
		if n != 1 {
			t.Errorf("%d session rows, want only the successful login's", n)
		}
	})
}

func TestSessionUser(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{SessionTTL: 2 * time.Hour}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		ada := f.user(t, "ada@example.com")
		_, sid, err := f.eng.Login(ctx, LoginAttempt{Email: ada.Email, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		sessionOK := func(sid string) bool {
			t.Helper()
			u, err := f.eng.SessionUser(ctx, sid)
			if err != nil {
				wantErr(t, err, ErrInvalidToken, ReasonTokenInvalid)
				return false
			}
			if u.ID != ada.ID {
				t.Errorf("SessionUser = user %d, want %d", u.ID, ada.ID)
			}
			return true
		}
		if !sessionOK(sid) {
			t.Fatal("fresh session refused")
		}
		for name, s := range map[string]string{"unknown": NewToken(), "malformed": sid + "x", "empty": "",
			"digest": Digest(sid), "other case": sid[:39] + map[bool]string{true: "a", false: "A"}[sid[39] == 'A']} {
			if sessionOK(s) {
				t.Errorf("%s session id accepted", name)
			}
		}
		f.clock.Advance(2*time.Hour - time.Second)
		if !sessionOK(sid) {
			t.Error("session refused a second before SessionTTL")
		}
		f.clock.Advance(time.Second)
		if sessionOK(sid) {
			t.Error("session accepted after SessionTTL")
		}

		// Logout ends a live session; logging out again, or an unknown session, is fine.
		_, sid2, err := f.eng.Login(ctx, LoginAttempt{Email: ada.Email, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		_, sid3, err := f.eng.Login(ctx, LoginAttempt{Email: ada.Email, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		if sid2 == sid3 {
			t.Fatal("two logins share a session id")
		}
		for i, s := range []string{sid2, sid2, NewToken(), "junk", ""} {
			if err := f.eng.Logout(ctx, s); err != nil {
				t.Errorf("Logout #%d: %v", i, err)
			}
		}
		if sessionOK(sid2) {
			t.Error("session accepted after Logout")
		}
		if !sessionOK(sid3) {
			t.Error("Logout of one session ended another")
		}
		f.disable(t, ada)
		if sessionOK(sid3) {
			t.Error("session of a disabled user accepted")
		}
	})
}
