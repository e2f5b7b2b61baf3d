package core

import (
	"strings"
	"testing"
)

// A nonce longer than its column is refused up front, redirectably; one that fits is stored
// whole on every backend.
func TestAuthorizeNonceLength(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{}, func(t *testing.T, f *fixture) {
		app, _ := f.client(t, NewClient{ID: "app"})
		user := f.user(t, "ada@example.com")
		long := AuthorizeRequest{ClientID: app.ID, ResponseType: "code", RedirectURI: appCB,
			Nonce: strings.Repeat("n", MaxNonceLength+1)}
		a, err := f.eng.Authorize(t.Context(), long)
		wantErr(t, err, ErrInvalidRequest, ReasonBadParameter)
		if err == nil || !AsError(err).Redirectable || a == nil {
			t.Fatalf("Authorize with a %d-byte nonce: %+v, %v; want a redirectable error", len(long.Nonce), a, err)
		}

		fits := strings.Repeat("n", MaxNonceLength)
		code := f.approve(t, app, user, AuthorizeRequest{RedirectURI: appCB, Nonce: fits})
		res, err := f.exchange(t.Context(), app, code, appCB, "")
		if err != nil || res.Nonce != fits {
			t.Fatalf("exchange of a code with a %d-byte nonce: %v, nonce kept: %v", len(fits), err, res != nil && res.Nonce == fits)
		}
	})
}
