package core

import (
	"errors"
	"testing"
)

// PostgreSQL holds no NUL character in text, so the text the core stores is refused with one on
// every engine: the caller gets invalid input, not a failed write.
func TestTextWithNULIsRefused(t *testing.T) {
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		cb := []string{"https://app.example/cb"}
		for what, try := range map[string]func() error{
			"user name": func() error {
				_, err := f.eng.CreateUser(ctx, NewUser{Email: "nul@example.com", Password: password, FullName: "A\x00B"})
				return err
			},
			"client name": func() error {
				_, _, err := f.eng.CreateClient(ctx, NewClient{ID: "nul", Name: "A\x00B", RedirectURIs: cb})
				return err
			},
			"client id": func() error {
				_, _, err := f.eng.CreateClient(ctx, NewClient{ID: "n\x00l", Name: "App", RedirectURIs: cb})
				return err
			},
			"admin token name": func() error { _, _, err := f.eng.CreateAdminToken(ctx, "ops\x00"); return err },
		} {
			if err := try(); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("%s with a NUL: %v, want invalid input", what, err)
			}
		}
	})
}
