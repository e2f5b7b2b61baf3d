package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/crypto/bcrypt"

	"oauthd/compat"
	"oauthd/core"
	"oauthd/models"
)

// writer applies source rows to oauthd's store and counts what it did.
type writer struct {
	source      string
	opt         Options
	now         time.Time
	rep         *Report
	done, total int
	records     map[string]map[string]string // kind → key → fingerprint, read once per kind
	userIDs     map[string]uint              // User.Key → oauthd id, filled as users are met
	clients     map[string]bool              // client id → exists in oauthd
}

// Import record kinds.
const (
	recordUser   = "user"
	recordClient = "client"
)

// fingerprint hashes the fields of a mapped row; it changes when any field does.
func fingerprint(fields ...any) string {
	h := sha256.New()
	for _, f := range fields {
		fmt.Fprintf(h, "%q\x00", fmt.Sprint(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// record returns the fingerprint stored for a key, reading the kind's records on first use.
func (w *writer) record(ctx context.Context, st models.Store, kind, key string) (string, bool, error) {
	if w.records == nil {
		w.records = map[string]map[string]string{}
	}
	if w.records[kind] == nil {
		m, err := st.ImportRecordsOf(ctx, w.source, kind)
		if err != nil {
			return "", false, err
		}
		w.records[kind] = m
	}
	fp, ok := w.records[kind][key]
	return fp, ok, nil
}

func (w *writer) saveRecord(ctx context.Context, st models.Store, kind, key, fp string) error {
	w.records[kind][key] = fp
	return st.SaveImportRecord(ctx, &models.ImportRecord{Source: w.source, Kind: kind, Key: key,
		Fingerprint: fp, ImportedAt: w.now.Unix()})
}

// user creates or updates one user.
func (w *writer) user(ctx context.Context, st models.Store, u *User) error {
	hash, note := w.passwordHash(u)
	fp := fingerprint(u.Key, u.FirstName, u.LastName, u.FullName, u.Enabled, u.Roles, u.Hash, u.Plain != "")
	old, known, err := w.record(ctx, st, recordUser, u.Key)
	if err != nil {
		return err
	}
	cur, err := st.UserByEmail(ctx, u.Key)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("user %q: %w", u.Key, err)
	}
	exists := err == nil
	switch {
	case exists && !known:
		w.rep.skip(KindUsers, "an oauthd user with this login exists and was not imported")
		return nil
	case exists && old == fp && w.samePlain(cur, u):
		w.rep.count(KindUsers, outcomeUnchanged)
		w.userIDs[u.Key] = cur.ID
		return nil
	}
	if note != "" {
		w.rep.note(KindUsers, note)
	}
	if hash, err = w.plainHash(u, hash); err != nil {
		return err
	}
	if !exists {
		cur = &models.User{Email: u.Key, Subject: core.NewToken(), CreatedAt: w.now.Unix()}
	}
	disabled := exists && cur.Enabled && !u.Enabled
	applyUser(cur, u, hash)
	if exists {
		err = st.UpdateUser(ctx, cur.ID, func(dst *models.User) error { *dst = *cur; return nil })
		w.rep.count(KindUsers, outcomeUpdated)
		if err == nil && disabled {
			err = w.feed(ctx, st, &models.Revocation{UserID: cur.ID})
		}
	} else {
		err = st.CreateUser(ctx, cur)
		w.rep.count(KindUsers, outcomeImported)
	}
	if err != nil {
		return fmt.Errorf("user %q: %w", u.Key, err)
	}
	w.userIDs[u.Key] = cur.ID
	return w.saveRecord(ctx, st, recordUser, u.Key, fp)
}

// applyUser copies a source user's fields onto an oauthd row.
func applyUser(dst *models.User, u *User, hash string) {
	dst.Enabled = u.Enabled
	dst.Roles = slices.Clone(u.Roles)
	dst.PasswordHash = hash
	setNames(dst, u)
}

// setNames is where the full, given and family names land, completed as for any oauthd user
// (Odoo has one name, which is split like `user add --full-name`).
func setNames(dst *models.User, u *User) {
	dst.FullName, dst.FirstName, dst.LastName = core.UserNames(u.Key, u.FullName, u.FirstName, u.LastName)
}

// passwordHash returns the hash to store, and a note when the password will not be usable.
func (w *writer) passwordHash(u *User) (string, string) {
	if u.Plain != "" {
		return "", "plain-text password (old Odoo) hashed with bcrypt on import"
	}
	if u.Hash == "" {
		return "", "no password at the source: imported without a usable password (oauthd user set-password sets one)"
	}
	if _, err := compat.ParsePasswordHash(u.Hash, w.opt.BcryptCost); err != nil {
		reason := "unknown password hash scheme"
		if errors.Is(err, compat.ErrTooCostly) {
			reason = "password hash costlier than oauthd verifies (about 1 s)"
		}
		return "", reason + ": imported without a usable password (oauthd user set-password sets one)"
	}
	return u.Hash, ""
}

// plainHash hashes a plain-text source password with bcrypt; other hashes pass through.
func (w *writer) plainHash(u *User, hash string) (string, error) {
	if u.Plain == "" {
		return hash, nil
	}
	h, err := bcrypt.GenerateFromPassword([]byte(u.Plain), w.opt.BcryptCost)
	if err != nil {
		return "", fmt.Errorf("user %q: hash plain-text password: %w", u.Key, err)
	}
	return string(h), nil
}

// samePlain reports whether a plain-text source password still matches what oauthd stores (the
// fingerprint cannot hold it); other users have nothing to compare.
func (w *writer) samePlain(cur *models.User, u *User) bool {
	return u.Plain == "" || bcrypt.CompareHashAndPassword([]byte(cur.PasswordHash), []byte(u.Plain)) == nil
}

// userID resolves a user key to an oauthd id.
func (w *writer) userID(ctx context.Context, st models.Store, key string) (uint, bool, error) {
	if id, ok := w.userIDs[key]; ok {
		return id, true, nil
	}
	u, err := st.UserByEmail(ctx, key)
	if errors.Is(err, models.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("user %q: %w", key, err)
	}
	w.userIDs[key] = u.ID
	return u.ID, true, nil
}
