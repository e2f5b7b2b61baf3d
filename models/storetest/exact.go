package storetest

import (
	"errors"
	"testing"

	"oauthd/models"
)

// notFound accepts what a method that reports absence with a flag may answer for text no row
// holds: false, with no error or ErrNotFound.
func notFound(ok bool, err error) bool {
	return !ok && (err == nil || errors.Is(err, models.ErrNotFound))
}

// Emails and client ids are matched byte for byte: a collation that folds case, accents or
// trailing spaces must not make another spelling match, and text no row can hold (a NUL byte,
// which PostgreSQL refuses) is simply not found.
var exactContracts = []contract{
	{"Exact/UserByEmail", func(t *testing.T, s models.Store) {
		newUser(t, s, "ada@example.com")
		newUser(t, s, "alice@example.com")
		for _, email := range []string{"ADA@example.com", "Ada@example.com", "ada@EXAMPLE.com", "ada@example.com ",
			" ada@example.com", "ada@example.co", "alicé@example.com", "ada@example.com\x00", "ada\x00@example.com", ""} {
			if _, err := s.UserByEmail(t.Context(), email); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("UserByEmail(%q): err = %v, want ErrNotFound", email, err)
			}
		}
	}},
	{"Exact/ClientByID", func(t *testing.T, s models.Store) {
		newClient(t, s, "app-one", nil)
		for _, id := range []string{"APP-ONE", "App-one", "app-one ", " app-one", "app-on", "app-onè", "app-one\x00",
			"app\x00-one", ""} {
			if _, err := s.ClientByID(t.Context(), id); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("ClientByID(%q): err = %v, want ErrNotFound", id, err)
			}
		}
	}},
	{"Exact/NULIsNotFoundAnywhere", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		must(t, s.CreateClient(ctx, clientValue("app", &u.ID), "https://a.example"))
		saveConsent(t, s, u.ID, "app", "all")
		const nul = "\x00"
		for what, err := range map[string]error{
			"ConsentScope":      func() error { _, err := s.ConsentScope(ctx, u.ID, "app"+nul); return err }(),
			"CodeByID":          func() error { _, err := s.CodeByID(ctx, digest("c0de", 1)+nul); return err }(),
			"CodeWithUser":      func() error { _, _, err := s.CodeWithUser(ctx, nul); return err }(),
			"TokenByID":         func() error { _, err := s.TokenByID(ctx, digest("acc", 1)+nul); return err }(),
			"BearerByID":        func() error { _, err := s.BearerByID(ctx, nul+digest("acc", 1)); return err }(),
			"SessionByID":       func() error { _, err := s.SessionByID(ctx, nul, 0); return err }(),
			"AdminTokenByID":    func() error { _, err := s.AdminTokenByID(ctx, nul); return err }(),
			"AdminSessionToken": func() error { _, err := s.AdminSessionToken(ctx, nul, 0); return err }(),
			"DeleteClient":      s.DeleteClient(ctx, "app"+nul),
			"UpdateClient":      s.UpdateClient(ctx, "app"+nul, func(*models.Client) error { return nil }),
			"SetClientSecret":   s.SetClientSecret(ctx, "app"+nul, "x"),
			"DeleteAdminToken":  s.DeleteAdminToken(ctx, nul),
			"DeleteSigningKey":  s.DeleteSigningKey(ctx, nul),
		} {
			if !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s: err = %v, want ErrNotFound", what, err)
			}
		}
		for what, ok := range map[string]func() (bool, error){
			"OriginRegistered": func() (bool, error) { return s.OriginRegistered(ctx, "https://a.example"+nul) },
			"ConsumeCode":      func() (bool, error) { return s.ConsumeCode(ctx, nul, 1) },
			"RotateRefresh":    func() (bool, error) { return s.RotateRefresh(ctx, nul, 1, nil) },
		} {
			if got, err := ok(); !notFound(got, err) {
				t.Errorf("%s: %v, %v; want false (and no other error)", what, got, err)
			}
		}
		if got, err := s.ClientOrigins(ctx, "app"+nul); len(got) != 0 || (err != nil && !errors.Is(err, models.ErrNotFound)) {
			t.Errorf("ClientOrigins: %q, %v; want none", got, err)
		}
		if got, err := s.TokenRows(ctx, []string{nul}); len(got) != 0 || (err != nil && !errors.Is(err, models.ErrNotFound)) {
			t.Errorf("TokenRows: %v, %v; want none", got, err)
		}
		if c, err := s.ClientByID(ctx, "app"); err != nil || c.SecretHash == "x" {
			t.Errorf("the client after calls on app+NUL: %+v, %v", c, err)
		}
		if got := consentOf(t, s, u.ID, "app"); got != "all" {
			t.Errorf("consent after calls on app+NUL: %q", got)
		}
	}},
}
