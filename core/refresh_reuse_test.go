package core

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"oauthd/models"
	"oauthd/store"
)

// Ten concurrent refreshes of one rotating token inside the reuse interval all succeed with
// the same new pair, the grant keeps one live chain, and the stored row holds no plaintext; a
// replay after the interval revokes the grant.
func TestRefreshReuseInterval(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{RefreshReuseInterval: 10 * time.Second}, func(t *testing.T, f *fixture) {
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app", RefreshRotation: new(true)})
		tok := f.tokens(t, app, ada, "")
		var mu sync.Mutex
		var got []*TokenResult
		errs := concurrently(10, func(ctx context.Context) error {
			res, err := f.refresh(ctx, app, tok.RefreshToken, "")
			mu.Lock()
			got = append(got, res)
			mu.Unlock()
			return err
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("concurrent refresh %d: %v, want success", i, err)
			}
		}
		next := got[0]
		for _, r := range got {
			if r.AccessToken != next.AccessToken || r.RefreshToken != next.RefreshToken || r.ExpiresIn <= 0 {
				t.Fatalf("concurrent refreshes returned different pairs: %+v and %+v", next, r)
			}
		}
		grant := f.tokenRow(t, tok.RefreshToken).GrantID
		var live []store.Token
		f.store.DB().Where("grant_id = ? AND revoked_at = 0 AND kind = ?", grant, models.KindRefresh).Find(&live)
		if len(live) != 1 || live[0].ID != Digest(next.RefreshToken) || !f.bearerOK(t, next.AccessToken) {
			t.Fatalf("after the race: %d live refresh tokens in the grant, want the one new one", len(live))
		}
		old := f.tokenRow(t, tok.RefreshToken)
		for _, plain := range []string{next.AccessToken, next.RefreshToken} {
			if len(old.Successor) == 0 || bytes.Contains(old.Successor, []byte(plain)) {
				t.Fatalf("successor column %q holds a new token in plain text (or nothing)", old.Successor)
			}
		}

		// Still inside the interval: a sequential retry gets the same pair again.
		f.clock.Advance(9 * time.Second)
		again, err := f.refresh(t.Context(), app, tok.RefreshToken, "")
		if err != nil || again.RefreshToken != next.RefreshToken {
			t.Fatalf("retry within the interval: %+v, %v; want the same pair", again, err)
		}

		// After the interval: reuse, and the whole grant is revoked.
		f.clock.Advance(2 * time.Second)
		_, err = f.refresh(t.Context(), app, tok.RefreshToken, "")
		wantErr(t, err, ErrInvalidGrant, ReasonRefreshReused)
		if f.bearerOK(t, next.AccessToken) {
			t.Error("after reuse past the interval the newest access token is still accepted")
		}
		_, err = f.refresh(t.Context(), app, next.RefreshToken, "")
		wantErr(t, err, ErrInvalidGrant, ReasonRefreshInvalid)
	})
}

// Within the interval a retry never revives a grant that ended, and once the chain moved on
// the old token is reuse again.
func TestRefreshReuseNeedsLiveSuccessor(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{RefreshReuseInterval: 10 * time.Second}, func(t *testing.T, f *fixture) {
		ada := f.user(t, "ada@example.com")
		app, _ := f.client(t, NewClient{ID: "app", RefreshRotation: new(true)})
		other, _ := f.client(t, NewClient{ID: "other", RefreshRotation: new(true)})
		tok := f.tokens(t, app, ada, "")
		next, err := f.refresh(t.Context(), app, tok.RefreshToken, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.refresh(t.Context(), other, tok.RefreshToken, "")
		wantErr(t, err, ErrInvalidGrant, ReasonRefreshInvalid)
		if err := f.eng.revokeToken(t.Context(), next.AccessToken, app.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.refresh(t.Context(), app, tok.RefreshToken, "")
		wantErr(t, err, ErrInvalidGrant, ReasonRefreshInvalid)

		tok = f.tokens(t, app, ada, "")
		next, err = f.refresh(t.Context(), app, tok.RefreshToken, "")
		if err != nil {
			t.Fatal(err)
		}
		last, err := f.refresh(t.Context(), app, next.RefreshToken, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.refresh(t.Context(), app, tok.RefreshToken, "")
		wantErr(t, err, ErrInvalidGrant, ReasonRefreshReused)
		if f.bearerOK(t, last.AccessToken) {
			t.Error("replaying a token two rotations back left the grant alive")
		}
	})
}
