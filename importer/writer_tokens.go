package importer

import (
	"context"
	"errors"
	"fmt"

	"oauthd/models"
)

// token inserts one live token, or revokes an imported one the source has revoked since. A
// token is immutable otherwise, so one already present is unchanged; one that oauthd revoked
// (a rotation, a revocation) is never revived.
func (w *writer) token(ctx context.Context, st *models.Store, t *Token) error {
	cur, err := st.TokenRow(ctx, t.Digest)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("token: %w", err)
	}
	if err == nil {
		return w.existingToken(ctx, st, cur, t)
	}
	if t.Skip != "" {
		w.rep.skip(KindTokens, t.Skip)
		return nil
	}
	userID, ok, err := w.userID(ctx, st, t.User)
	if err != nil {
		return err
	}
	if !ok {
		w.rep.skip(KindTokens, "user missing")
		return nil
	}
	if _, err := st.ClientByID(ctx, t.ClientID); errors.Is(err, models.ErrNotFound) {
		w.rep.skip(KindTokens, "client missing")
		return nil
	} else if err != nil {
		return fmt.Errorf("token client %q: %w", t.ClientID, err)
	}
	row := &models.Token{ID: t.Digest, Kind: t.Kind, GrantID: t.GrantID, ClientID: t.ClientID, UserID: userID,
		Scope: t.Scope, IssuedAt: w.now.Unix(), ExpiresAt: t.ExpiresAt}
	if row.Kind == models.KindRefresh && w.opt.RefreshTTL > 0 {
		row.ExpiresAt = w.now.Add(w.opt.RefreshTTL).Unix()
	}
	if err := st.CreateTokens(ctx, row); err != nil {
		return fmt.Errorf("token: %w", err)
	}
	w.rep.count(KindTokens, outcomeImported)
	return nil
}

func (w *writer) existingToken(ctx context.Context, st *models.Store, cur *models.Token, t *Token) error {
	if t.Revoked && cur.RevokedAt == 0 {
		if err := st.RevokeToken(ctx, cur.ID, w.now.Unix()); err != nil {
			return fmt.Errorf("token: %w", err)
		}
		w.rep.count(KindTokens, outcomeUpdated)
		return nil
	}
	w.rep.count(KindTokens, outcomeUnchanged)
	return nil
}
