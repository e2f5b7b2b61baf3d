package importer

import (
	"context"
	"errors"
	"fmt"

	"oauthd/models"
)

// tokens writes one batch: live tokens not yet in oauthd are inserted in one statement, and
// imported ones the source has revoked since are revoked. A token is immutable otherwise, so
// one already present is unchanged; one that oauthd revoked (a rotation, a revocation) is
// never revived.
func (w *writer) tokens(ctx context.Context, st models.Store, batch []Token) error {
	ids := make([]string, len(batch))
	for i := range batch {
		ids[i] = batch[i].Digest
	}
	present, err := st.TokenRows(ctx, ids)
	if err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	var rows []*models.Token
	for i := range batch {
		t := &batch[i]
		if cur, ok := present[t.Digest]; ok {
			if err := w.existingToken(ctx, st, &cur, t); err != nil {
				return err
			}
			continue
		}
		row, err := w.newToken(ctx, st, t)
		if err != nil {
			return err
		}
		if row != nil {
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if err := st.CreateTokens(ctx, rows...); err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	return nil
}

// newToken maps a token to its row, or counts why it is skipped (nil row).
func (w *writer) newToken(ctx context.Context, st models.Store, t *Token) (*models.Token, error) {
	if t.Skip != "" {
		w.rep.skip(KindTokens, t.Skip)
		return nil, nil
	}
	userID, ok, err := w.userID(ctx, st, t.User)
	if err != nil || !ok {
		if err == nil {
			w.rep.skip(KindTokens, "user missing")
		}
		return nil, err
	}
	if ok, err := w.clientExists(ctx, st, t.ClientID); err != nil || !ok {
		if err == nil {
			w.rep.skip(KindTokens, "client missing")
		}
		return nil, err
	}
	row := &models.Token{ID: t.Digest, Kind: t.Kind, GrantID: t.GrantID, ClientID: t.ClientID, UserID: userID,
		Scope: t.Scope, IssuedAt: w.now.Unix(), ExpiresAt: t.ExpiresAt}
	if row.Kind == models.KindRefresh && w.opt.RefreshTTL > 0 {
		row.ExpiresAt = w.now.Add(w.opt.RefreshTTL).Unix()
	}
	w.rep.count(KindTokens, outcomeImported)
	return row, nil
}

func (w *writer) existingToken(ctx context.Context, st models.Store, cur *models.Token, t *Token) error {
	if t.Revoked && cur.RevokedAt == 0 {
		if err := st.RevokeToken(ctx, cur.ID, w.now.Unix()); err != nil {
			return fmt.Errorf("token: %w", err)
		}
		if err := w.feed(ctx, st, &models.Revocation{TokenID: cur.ID}); err != nil {
			return err
		}
		w.rep.count(KindTokens, outcomeUpdated)
		return nil
	}
	w.rep.count(KindTokens, outcomeUnchanged)
	return nil
}

// clientExists reports whether oauthd has a client, remembering the answer for the run.
func (w *writer) clientExists(ctx context.Context, st models.Store, id string) (bool, error) {
	if ok, seen := w.clients[id]; seen {
		return ok, nil
	}
	_, err := st.ClientByID(ctx, id)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return false, fmt.Errorf("token client %q: %w", id, err)
	}
	w.clients[id] = err == nil
	return err == nil, nil
}

// feed tells running instances, which poll the revocation feed, to forget what their bearer
// caches hold of a token or a user the import revoked or disabled.
func (w *writer) feed(ctx context.Context, st models.Store, r *models.Revocation) error {
	r.AtMS = w.now.UnixMilli()
	if err := st.AddRevocation(ctx, r); err != nil {
		return fmt.Errorf("revocation feed: %w", err)
	}
	return nil
}
