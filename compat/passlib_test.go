package compat

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// passlibCase is one hash made by the real passlib (testdata/gen_passlib.py).
type passlibCase struct{ Scheme, Password, Hash string }

func loadPasslibCases(t *testing.T) []passlibCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/passlib.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []passlibCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestPasslibHashesVerify(t *testing.T) {
	for _, c := range loadPasslibCases(t) {
		t.Run(c.Scheme+"/"+c.Password, func(t *testing.T) {
			h, err := ParsePasswordHash(c.Hash, 0)
			if c.Password == "too-slow" {
				if !errors.Is(err, ErrTooCostly) {
					t.Fatalf("want ErrTooCostly, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parse %s: %v", c.Hash, err)
			}
			if h.Scheme() != c.Scheme {
				t.Errorf("scheme %q, want %q", h.Scheme(), c.Scheme)
			}
			if !h.Verify(c.Password) {
				t.Error("the right password does not verify")
			}
			for _, wrong := range []string{"", c.Password + "x", c.Password[:len(c.Password)-1]} {
				if h.Verify(wrong) {
					t.Errorf("wrong password %q verifies", wrong)
				}
			}
		})
	}
}

func TestPasswordHashRefusals(t *testing.T) {
	cases := []struct {
		name, hash string
		want       error
	}{
		{"empty", "", ErrUnknownScheme},
		{"plain text", "hunter22", ErrUnknownScheme},
		{"pbkdf2-sha1", "$pbkdf2$29000$aC2FUGqt9b7X.p/TWut9Tw$5Fugyfzb3eyz5By1EHLuHxXdS.o", ErrUnknownScheme},
		{"mysql password()", "*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9", ErrUnknownScheme},
		{"short checksum", "$pbkdf2-sha256$29000$aC2FUGqt9b7X.p/TWut9Tw$5Fugyfzb3eyz5By1EHLu", ErrUnknownScheme},
		{"bad base64", "$pbkdf2-sha256$29000$a!$5Fugyfzb3eyz5By1EHLuHxXdS.olJ0edljTK.1UuGr8", ErrUnknownScheme},
		{"zero rounds", "$pbkdf2-sha256$0$aC2FUGqt9b7X.p/TWut9Tw$5Fugyfzb3eyz5By1EHLuHxXdS.olJ0edljTK.1UuGr8", ErrUnknownScheme},
		{"too many rounds", "$pbkdf2-sha512$1000001$DoEwRqg1BiAkBIAwJuS81w$lpdGuKr9iBMoncZXE164PaK0l99Rud07XrfgGjcHWibNNNpSavrQTWPGi7Ma8dlhiOupB70k2vJecIV5IJPqYA", ErrTooCostly},
		{"argon2 v16", "$argon2i$m=1024,t=2,p=8$z1krJYTQWgshBGAshbBWig$0Z8aTkKTo/URK4XDnnK5Mg", ErrUnknownScheme},
		{"argon2d", "$argon2d$v=19$m=1024,t=2,p=8$z1krJYTQWgshBGAshbBWig$0Z8aTkKTo/URK4XDnnK5Mg", ErrUnknownScheme},
		{"argon2 huge memory", "$argon2id$v=19$m=4194304,t=1,p=1$z1krJYTQWgshBGAshbBWig$0Z8aTkKTo/URK4XDnnK5Mg", ErrTooCostly},
		{"argon2 long", "$argon2id$v=19$m=65536,t=64,p=1$z1krJYTQWgshBGAshbBWig$0Z8aTkKTo/URK4XDnnK5Mg", ErrTooCostly},
		{"argon2 odd params", "$argon2id$v=19$m=1024,t=2,p=8,x=1$z1krJYTQWgshBGAshbBWig$0Z8aTkKTo/URK4XDnnK5Mg", ErrUnknownScheme},
		{"bcrypt cost 15", "$2b$15$mNjUc.fwHodtbhlObpdJZuGet8TGg8J.pMpGF.Bta/mXB6lDLxgze", ErrTooCostly},
		{"bcrypt truncated", "$2b$05$mNjUc.fwHodtbhlObpdJZu", ErrUnknownScheme},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ParsePasswordHash(c.hash, 4); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	// An operator who configured a higher bcrypt cost keeps logging in with it.
	if _, err := ParsePasswordHash("$2b$15$mNjUc.fwHodtbhlObpdJZuGet8TGg8J.pMpGF.Bta/mXB6lDLxgze", 15); err != nil {
		t.Fatalf("oauthd's own cost 15 refused: %v", err)
	}
}

// BenchmarkPasswordHashBounds times the most expensive hash each bound admits, to check that
// the bounds keep a verification near one second on one core.
func BenchmarkPasswordHashBounds(b *testing.B) {
	for name, hash := range map[string]string{
		"pbkdf2-sha256-max": "$pbkdf2-sha256$2000000$aC2FUGqt9b7X.p/TWut9Tw$5Fugyfzb3eyz5By1EHLuHxXdS.olJ0edljTK.1UuGr8",
		"pbkdf2-sha512-max": "$pbkdf2-sha512$1000000$DoEwRqg1BiAkBIAwJuS81w$lpdGuKr9iBMoncZXE164PaK0l99Rud07XrfgGjcHWibNNNpSavrQTWPGi7Ma8dlhiOupB70k2vJecIV5IJPqYA",
		"argon2id-max":      "$argon2id$v=19$m=131072,t=4,p=4$z1krJYTQWgshBGAshbBWig$0Z8aTkKTo/URK4XDnnK5Mg",
		"bcrypt-max":        "$2b$14$mNjUc.fwHodtbhlObpdJZuGet8TGg8J.pMpGF.Bta/mXB6lDLxgze",
	} {
		h, err := ParsePasswordHash(hash, 0)
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				h.Verify("x")
			}
		})
	}
}
