package store

import (
	"context"
	"strings"

	"oauthd/models"
)

// ClientQuirk is one line of the quirk ledger: how often a client used one legacy behaviour
// (Uses), how many of those uses were refused (Refused), and when it was first and last seen
// (Unix seconds). Instances add their counts to it, so the line is the sum over all of them.
type ClientQuirk struct {
	ClientID  string `gorm:"primaryKey;size:191"`
	Quirk     string `gorm:"primaryKey;size:32"`
	Uses      int64  `gorm:"not null"`
	Refused   int64  `gorm:"not null"`
	FirstSeen int64  `gorm:"not null"`
	LastSeen  int64  `gorm:"not null"`
}

// AddClientQuirks adds counts to the ledger in one statement: a line that exists gets the
// counts added and its first and last sightings widened, so several instances flushing the
// same line sum instead of overwriting each other.
func (s *Store) AddClientQuirks(ctx context.Context, lines []models.ClientQuirk) error {
	if len(lines) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("INSERT INTO client_quirks (client_id, quirk, uses, refused, first_seen, last_seen) VALUES ")
	args := make([]any, 0, 6*len(lines))
	for i, l := range lines {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?)")
		args = append(args, l.ClientID, l.Quirk, l.Uses, l.Refused, l.FirstSeen, l.LastSeen)
	}
	b.WriteString(addQuirksUpsert(s.w.Dialector.Name()))
	return found(s.w.WithContext(ctx).Exec(b.String(), args...).Error, "add client quirks")
}

// addQuirksUpsert is the conflict clause of AddClientQuirks in the engine's own words.
func addQuirksUpsert(dialect string) string {
	if dialect == "mysql" {
		return " ON DUPLICATE KEY UPDATE uses = uses + VALUES(uses), refused = refused + VALUES(refused), " +
			"first_seen = LEAST(first_seen, VALUES(first_seen)), last_seen = GREATEST(last_seen, VALUES(last_seen))"
	}
	// SQLite and PostgreSQL: excluded is the proposed row; CASE because SQLite has no LEAST.
	return " ON CONFLICT (client_id, quirk) DO UPDATE SET uses = client_quirks.uses + excluded.uses, " +
		"refused = client_quirks.refused + excluded.refused, " +
		"first_seen = CASE WHEN excluded.first_seen < client_quirks.first_seen THEN excluded.first_seen " +
		"ELSE client_quirks.first_seen END, " +
		"last_seen = CASE WHEN excluded.last_seen > client_quirks.last_seen THEN excluded.last_seen " +
		"ELSE client_quirks.last_seen END"
}

// ClientQuirks reads the ledger of one client, or of every client for "", ordered by client
// and quirk.
func (s *Store) ClientQuirks(ctx context.Context, clientID string) ([]models.ClientQuirk, error) {
	q := s.db.WithContext(ctx).Model(&ClientQuirk{})
	if clientID != "" {
		q = q.Where("client_id = ?", clientID)
	}
	var out []ClientQuirk
	if err := q.Order("client_id, quirk").Find(&out).Error; err != nil {
		return nil, found(err, "client quirks")
	}
	return each(out, func(l *ClientQuirk) *models.ClientQuirk { return (*models.ClientQuirk)(l) }), nil
}

// RefusedQuirks maps each client that refuses any quirk to its refused list: the few clients
// an operator tightened, read whole so that a bearer check can consult them in memory.
func (s *Store) RefusedQuirks(ctx context.Context) (map[string][]string, error) {
	var rows []Client
	err := s.db.WithContext(ctx).Select("id", "refused_quirks").Where("refused_quirks <> ''").Find(&rows).Error
	if err != nil {
		return nil, found(err, "refused quirks")
	}
	out := make(map[string][]string, len(rows))
	for _, r := range rows {
		out[r.ID] = split(r.RefusedQuirks, wordSep)
	}
	return out, nil
}
