package importer

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"oauthd/core"
)

func TestNaiveTimeReadsTheSourceZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC) // 12:00 in Berlin (summer time)
	for _, v := range []any{"2026-07-01 12:00:00.000000", []byte("2026-07-01 12:00:00"),
		time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)} {
		got, ok := naiveTime(v, berlin)
		if !ok || !got.Equal(want) {
			t.Errorf("naiveTime(%v) = %v, %v; want %v", v, got, ok, want)
		}
	}
	for _, v := range []any{nil, "", "yesterday", 42} {
		if _, ok := naiveTime(v, berlin); ok {
			t.Errorf("naiveTime(%v) read a time", v)
		}
	}
}

func TestFrappeDigest(t *testing.T) {
	plain := "AbCdEfGhIjKlMnOpQrStUvWxYz0123"
	cases := []struct{ in, digest, skip string }{
		{plain, core.Digest(plain), ""},
		{core.Digest(plain), core.Digest(plain), ""}, // v16 stores the SHA-256 hex: kept as is
		{strings.ToUpper(core.Digest(plain)), "", "format"},
		{plain[:29], "", "format"},
		{plain[:29] + "-", "", "format"},
	}
	for _, c := range cases {
		d, skip := frappeDigest(c.in)
		if c.skip == "" && (d != c.digest || skip != "") || c.skip != "" && !strings.Contains(skip, c.skip) {
			t.Errorf("frappeDigest(%q) = %q, %q", c.in, d, skip)
		}
	}
}

func TestFrappeAuthMethods(t *testing.T) {
	for in, want := range map[string]string{
		"Client Secret Basic": core.AuthBasic, "Client Secret Post": core.AuthPost, "None": core.AuthNone,
		"": core.AuthBasic + " " + core.AuthPost, // before 2025: no field, both accepted
	} {
		if got := strings.Join(frappeAuthMethods(in), " "); got != want {
			t.Errorf("frappeAuthMethods(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOdooUserPasswords(t *testing.T) {
	cases := []struct {
		row         map[string]any
		hash, plain string
	}{
		{map[string]any{"password": "$pbkdf2-sha512$25000$x$y"}, "$pbkdf2-sha512$25000$x$y", ""},
		{map[string]any{"password": "", "password_crypt": "$pbkdf2-sha512$1$a$b"}, "$pbkdf2-sha512$1$a$b", ""},
		{map[string]any{"password": "hunter22"}, "", "hunter22"},
		{map[string]any{"password": nil}, "", ""},
	}
	for _, c := range cases {
		u := odooUser(c.row, "x")
		if u.Hash != c.hash || u.Plain != c.plain {
			t.Errorf("odooUser(%v) = hash %q plain %q", c.row, u.Hash, u.Plain)
		}
	}
}

func TestReportPrint(t *testing.T) {
	r := newReport("frappe", true)
	r.count(KindUsers, outcomeImported)
	r.skip(KindTokens, "expired")
	r.skip(KindTokens, "expired")
	r.note(KindUsers, "unknown password hash scheme")
	var buf bytes.Buffer
	r.Print(&buf)
	out := buf.String()
	for _, want := range []string{"dry run", "users         1        0          0        0",
		"skipped tokens: 2 expired", "notes users: 1 unknown password hash scheme"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
