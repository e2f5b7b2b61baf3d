// Package importer carries users, password hashes, clients and live tokens over from a running
// Frappe or Odoo into oauthd's store (`oauthd import`). A Source reads the other system's
// tables inside one read-only transaction and maps its rows to the neutral records below; Run
// writes them in batches, each in its own transaction, and decides per row whether it is new,
// changed or unchanged since the last run, so a re-run completes an interrupted one and picks
// up what changed at the source. Nothing imported is ever logged: errors name tables, rows'
// keys and reasons, never a secret, a token or a hash.
package importer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"oauthd/core"
	"oauthd/models"
)

// Kinds of imported rows, as --only names them.
const (
	KindUsers   = "users"
	KindClients = "clients"
	KindTokens  = "tokens"
)

// Kinds lists every kind in import order: tokens need their users and clients.
var Kinds = []string{KindUsers, KindClients, KindTokens}

// ErrNotSource marks a database that is not the named system's (a table is missing).
var ErrNotSource = errors.New("not a source database")

// User is a source user mapped to oauthd: Key is the login, lower-cased, which becomes the
// oauthd user's email column (Frappe's Administrator and Odoo's admin log in as themselves).
type User struct {
	Key                           string
	FirstName, LastName, FullName string
	Enabled                       bool
	Roles                         []string
	Hash                          string // a passlib or bcrypt hash; empty when Plain is set or there is none
	Plain                         string // a plain-text password (old Odoo), hashed on import
}

// Client is a source client mapped to oauthd. What it does not say (PKCE, rotation, the
// id_token's signature, grant types when empty) its profile decides, in the core.
type Client struct {
	ID, Secret, Name  string
	RedirectURIs      []string
	Scopes            []string
	AuthMethods       []string
	GrantTypes        []string // empty: the profile's
	SkipAuthorization bool
	Owner             string // a User.Key, or empty
	Profile           string // the source's (see core.Profile)
	AllowedRoles      []string
	Skip              string // why the client is not carried, if it is not
	Note              string // a caveat on a carried client
}

// Token is a source access or refresh token mapped to oauthd. Digest is oauthd's digest of the
// token (the source's own value when it already stores that digest). Skip, when set, is why
// the token is not carried (expired, revoked, a format oauthd cannot accept).
type Token struct {
	Kind      string // models.KindAccess or models.KindRefresh
	Digest    string
	GrantID   string
	ClientID  string
	User      string // a User.Key
	Scope     string
	ExpiresAt int64 // Unix seconds; 0: never
	Revoked   bool
	Skip      string
}

// Data is everything read from a source.
type Data struct {
	Users   []User
	Clients []Client
	Tokens  []Token
	Notes   []string // facts about the source worth printing (its time zone, its version's shape)
}

// Source reads a Frappe or Odoo database.
type Source interface {
	Name() string // frappe | odoo
	// Read reads the kinds asked for in one read-only transaction. A missing table wraps
	// ErrNotSource and names the table.
	Read(ctx context.Context, kinds map[string]bool, now time.Time) (*Data, error)
	Close() error
}

// Options tune a run.
type Options struct {
	Kinds      map[string]bool // which kinds to import; all when empty
	DryRun     bool            // compute the report in a transaction that is rolled back
	BcryptCost int             // for plain-text source passwords
	RefreshTTL time.Duration   // lifetime of imported refresh tokens from now; 0: never expire
	BatchSize  int             // rows per transaction; default 200
	Clock      func() time.Time
	// Progress is called after each committed batch with the rows done and the total.
	Progress func(done, total int)
	// Clients builds each client's row, so that its defaults are decided where every other
	// client's are (core.Engine.ClientRow).
	Clients *core.Engine
}

func (o *Options) defaults() {
	if len(o.Kinds) == 0 {
		o.Kinds = map[string]bool{KindUsers: true, KindClients: true, KindTokens: true}
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 200
	}
	if o.BcryptCost == 0 {
		o.BcryptCost = 12
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
}

// errDryRun rolls the dry run's transaction back.
var errDryRun = errors.New("dry run")

// Run reads src and writes into dst, returning what it did (or, with DryRun, would do).
func Run(ctx context.Context, src Source, dst models.Store, opt Options) (*Report, error) {
	opt.defaults()
	now := opt.Clock().UTC()
	data, err := src.Read(ctx, opt.Kinds, now)
	if err != nil {
		return nil, err
	}
	rep := newReport(src.Name(), opt.DryRun)
	rep.Notes = data.Notes
	w := &writer{source: src.Name(), opt: opt, now: now, rep: rep, userIDs: map[string]uint{}, clients: map[string]bool{},
		total: len(data.Users) + len(data.Clients) + len(data.Tokens)}
	if !opt.DryRun {
		return rep, w.writeAll(ctx, dst, data)
	}
	err = dst.Tx(ctx, func(tx models.Store) error {
		if err := w.writeAll(ctx, tx, data); err != nil {
			return err
		}
		return errDryRun
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return rep, err
}

// writeAll writes each kind in batches.
func (w *writer) writeAll(ctx context.Context, dst models.Store, data *Data) error {
	if err := batches(ctx, w, dst, data.Users, each(w.user)); err != nil {
		return fmt.Errorf("import users: %w", err)
	}
	if err := batches(ctx, w, dst, data.Clients, each(w.client)); err != nil {
		return fmt.Errorf("import clients: %w", err)
	}
	if err := batches(ctx, w, dst, data.Tokens, w.tokens); err != nil {
		return fmt.Errorf("import tokens: %w", err)
	}
	return nil
}

// each applies a one-row function to every row of a batch.
func each[T any](one func(context.Context, models.Store, *T) error) func(context.Context, models.Store, []T) error {
	return func(ctx context.Context, st models.Store, rows []T) error {
		for i := range rows {
			if err := one(ctx, st, &rows[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// batches writes rows BatchSize at a time, each batch in one transaction: an interruption
// leaves whole batches, and the next run sees their rows as unchanged.
func batches[T any](ctx context.Context, w *writer, dst models.Store, rows []T,
	fn func(context.Context, models.Store, []T) error) error {
	for start := 0; start < len(rows); start += w.opt.BatchSize {
		end := min(start+w.opt.BatchSize, len(rows))
		if err := dst.Tx(ctx, func(tx models.Store) error { return fn(ctx, tx, rows[start:end]) }); err != nil {
			return err
		}
		w.done += end - start
		if w.opt.Progress != nil {
			w.opt.Progress(w.done, w.total)
		}
	}
	return nil
}
