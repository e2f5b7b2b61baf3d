package core

import (
	"errors"
	"strings"
	"testing"
)

// A public client always rotates its refresh tokens: creating one with rotation off, or
// turning rotation off later, is refused, and nothing is written; confidential clients keep
// the choice (the Odoo module's clients rely on a refresh token that stays).
func TestPublicClientsAlwaysRotate(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		_, _, err := f.eng.CreateClient(ctx, NewClient{ID: "pub-off", Name: "P", RedirectURIs: []string{appCB},
			AuthMethods: []string{AuthNone}, RefreshRotation: new(false)})
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "public client") {
			t.Fatalf("public client with rotation off: %v, want a clear refusal", err)
		}
		if _, err := f.eng.Client(ctx, "pub-off"); !errors.Is(err, ErrUnknown) {
			t.Fatalf("the refused client was stored: %v", err)
		}
		f.client(t, NewClient{ID: "pub", AuthMethods: []string{AuthNone}})
		if _, err := f.eng.UpdateClient(ctx, "pub", ClientChange{RefreshRotation: new(false)}); !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("turning a public client's rotation off: %v", err)
		}
		if c, _ := f.eng.Client(ctx, "pub"); !c.RefreshRotation {
			t.Fatal("the refused change was written")
		}
		f.client(t, NewClient{ID: "conf"})
		if c, err := f.eng.UpdateClient(ctx, "conf", ClientChange{RefreshRotation: new(false)}); err != nil || c.RefreshRotation {
			t.Fatalf("a confidential client's rotation off: %+v, %v", c, err)
		}
	})
}
