package core

import (
	"strings"
	"testing"

	"oauthd/models"
)

// Hashes made by passlib (compat/testdata/gen_passlib.py): Frappe's default pbkdf2-sha256,
// Odoo's pbkdf2-sha512, an argon2id, and a scheme oauthd does not read (pbkdf2-sha1).
const (
	frappeHash  = "$pbkdf2-sha256$29000$aC2FUGqt9b7X.p/TWut9Tw$5Fugyfzb3eyz5By1EHLuHxXdS.olJ0edljTK.1UuGr8"
	frappePass  = "Eastern_43A1W"
	odooHash    = "$pbkdf2-sha512$25000$DoEwRqg1BiAkBIAwJuS81w$lpdGuKr9iBMoncZXE164PaK0l99Rud07XrfgGjcHWibNNNpSavrQTWPGi7Ma8dlhiOupB70k2vJecIV5IJPqYA"
	odooPass    = "odoo-admin-pw"
	argonHash   = "$argon2i$v=19$m=1024,t=2,p=8$z1krJYTQWgshBGAshbBWig$0Z8aTkKTo/URK4XDnnK5Mg"
	argonPass   = "argon-i-secret"
	unknownHash = "$pbkdf2$29000$aC2FUGqt9b7X.p/TWut9Tw$5Fugyfzb3eyz5By1EHLuHxXdS.o"
)

func TestLoginWithImportedHashRehashes(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		for _, c := range []struct{ email, hash, pass string }{
			{"frappe@example.com", frappeHash, frappePass},
			{"odoo@example.com", odooHash, odooPass},
			{"argon@example.com", argonHash, argonPass},
		} {
			u := f.importedUser(t, c.email, c.hash)
			if _, _, err := f.eng.Login(t.Context(), LoginAttempt{Email: c.email, Password: c.pass + "x"}); err == nil {
				t.Fatalf("%s: a wrong password logged in", c.email)
			}
			if got := f.passwordHash(t, u.ID); got != c.hash {
				t.Fatalf("%s: a failed login changed the hash to %q", c.email, got)
			}
			if _, _, err := f.eng.Login(t.Context(), LoginAttempt{Email: c.email, Password: c.pass}); err != nil {
				t.Fatalf("%s: first login with the imported hash: %v", c.email, err)
			}
			rehashed := f.passwordHash(t, u.ID)
			if !strings.HasPrefix(rehashed, "$2a$04$") {
				t.Fatalf("%s: after the first login the hash is %q, want oauthd's bcrypt", c.email, rehashed)
			}
			if _, _, err := f.eng.Login(t.Context(), LoginAttempt{Email: c.email, Password: c.pass}); err != nil {
				t.Fatalf("%s: login after the re-hash: %v", c.email, err)
			}
			if _, _, err := f.eng.Login(t.Context(), LoginAttempt{Email: c.email, Password: c.pass + "x"}); err == nil {
				t.Fatalf("%s: a wrong password logged in after the re-hash", c.email)
			}
		}
	})
}

func TestLoginWithUnreadableHashFails(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		for _, hash := range []string{"", unknownHash, "plain-text-password"} {
			u := f.importedUser(t, "u"+NewToken()[:6]+"@example.com", hash)
			for _, pw := range []string{"plain-text-password", hash} {
				if pw == "" {
					continue
				}
				if _, _, err := f.eng.Login(t.Context(), LoginAttempt{Email: u.Email, Password: pw}); err == nil {
					t.Fatalf("hash %q: password %q logged in", hash, pw)
				}
			}
		}
	})
}

// importedUser stores a user with a hash as the importer does, bypassing CreateUser.
func (f *fixture) importedUser(t *testing.T, email, hash string) *models.User {
	t.Helper()
	u := &models.User{Email: email, FullName: email, PasswordHash: hash, Enabled: true, Subject: NewToken()}
	if err := f.store.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) passwordHash(t *testing.T, id uint) string {
	t.Helper()
	u, err := f.store.UserByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u.PasswordHash
}
