package store

import (
	"context"

	"oauthd/models"
)

// Purge deletes codes and sessions that expired before cutoff, and tokens that expired or were
// revoked before it (Unix seconds). Nothing live is touched.
func (s *Store) Purge(ctx context.Context, cutoff int64) (models.Purged, error) {
	var p models.Purged
	err := s.inTx(ctx, func(tx *Store) error {
		p = models.Purged{} // afresh: a deadlocked run is run again
		steps := []struct {
			n     *int64
			model any
			where string
			args  []any
		}{
			{&p.Codes, &AuthorizationCode{}, "expires_at < ?", []any{cutoff}},
			{&p.Sessions, &Session{}, "expires_at < ?", []any{cutoff}},
			{&p.Tokens, &Token{}, "(expires_at <> 0 AND expires_at < ?) OR (revoked_at <> 0 AND revoked_at < ?)",
				[]any{cutoff, cutoff}},
		}
		for _, st := range steps {
			res := tx.w.Where(st.where, st.args...).Delete(st.model)
			if res.Error != nil {
				return found(res.Error, "purge")
			}
			*st.n = res.RowsAffected
		}
		return nil
	})
	return p, err
}
