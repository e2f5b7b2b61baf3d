package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"oauthd/models"
)

// The errors of the contract, spelt here as the implementation returns them.
var (
	ErrNotFound = models.ErrNotFound
	ErrConflict = models.ErrConflict
	ErrTxLost   = models.ErrTxLost
)

var _ models.Store = (*Store)(nil)

// Options tunes the connection pool.
type Options struct {
	MaxOpenConns int
	MaxIdleConns int
	// PrepareStatements turns on GORM's statement cache: each statement is then compiled once per
	// connection, by MySQL and by SQLite alike (the SQLite driver, modernc.org/sqlite through
	// github.com/libtnb/sqlite, keeps a prepared statement's program; compiling took nearly half
	// of a token request's database CPU with the driver it replaced, which compiled every call).
	PrepareStatements bool
}

// Store is the only place that talks to the database. Reads go through db, writes through w.
// On MySQL they are one pool. On SQLite, which admits one writer at a time, w is a pool of one
// connection: writers then queue in Go for that connection instead of polling SQLite's lock
// with sleeps of up to 100 ms (measured: p99 of the token endpoint 220 ms with a shared pool).
type Store struct {
	db      *gorm.DB
	w       *gorm.DB
	tx      *gorm.DB // where transactions begin: w, or on MySQL w's pool over the text protocol
	cluster bool     // a Galera node: transactions check they are still open before COMMIT
	// tokens groups concurrent CreateTokenForClient calls into one statement on SQLite (see
	// group_insert.go); nil on MySQL and PostgreSQL, whose writers do not queue, and inside a
	// transaction.
	tokens *tokenGroup
	pin    *sql.DB // OpenMemory: keeps the in-memory database alive; nil otherwise
	// lockClient ends CreateTokenForClient's read of the client where the engine needs to be
	// told to lock it (see insertTokenForClient).
	lockClient string
	// inside marks the store a transaction runs on: a transactional method called there joins
	// that transaction, and only the outermost one retries (a deadlock rolls back all of it).
	inside bool
}

// Open connects to driver ("sqlite", "mysql" or "postgres") at dsn. It does not migrate.
func Open(driver, dsn string, opt Options) (*Store, error) {
	switch driver {
	case "sqlite":
		if err := createPrivate(dsn); err != nil {
			return nil, err
		}
		db, err := openPool(openSQLite(sqliteDSN(dsn)), driver, opt)
		if err != nil {
			return nil, err
		}
		opt.MaxOpenConns, opt.MaxIdleConns = 1, 1
		w, err := openPool(openSQLite(sqliteDSN(dsn)), driver, opt)
		if err != nil {
			closePool(db)
			return nil, err
		}
		return &Store{db: db, w: w, tx: w, tokens: &tokenGroup{}}, nil
	case "mysql":
		return openMySQL(dsn, opt)
	case "postgres":
		return openPostgres(dsn, opt)
	default:
		return nil, fmt.Errorf("open store: unknown driver %q", driver)
	}
}

// gormConfig is the configuration of every handle.
func gormConfig(opt Options) *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Discard, // queries carry token digests and emails: never log them
		PrepareStmt:            opt.PrepareStatements,
		SkipDefaultTransaction: true, // single statements are atomic already; explicit Tx where rules need it
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
}

// openPool opens one GORM handle with its own connection pool.
func openPool(dialector gorm.Dialector, driver string, opt Options) (*gorm.DB, error) {
	db, err := gorm.Open(dialector, gormConfig(opt))
	if err != nil {
		return nil, fmt.Errorf("open %s store: %w", driver, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s store: %w", driver, err)
	}
	sqlDB.SetMaxOpenConns(max(opt.MaxOpenConns, 1))
	sqlDB.SetMaxIdleConns(opt.MaxIdleConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

func closePool(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return sqlDB.Close()
}

// sqliteDSN adds WAL (readers never block the writer), a busy timeout (writers queue instead
// of failing) and immediate transactions (a transaction takes the write lock at BEGIN, so two
// transactions cannot deadlock upgrading read locks).
func sqliteDSN(path string) string {
	if strings.Contains(path, "?") {
		return path
	}
	return path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// mysqlDSN makes times and charsets predictable whatever the operator wrote.
func mysqlDSN(dsn string) string {
	add := func(key, value string) {
		if !strings.Contains(dsn, key+"=") {
			sep := "?"
			if strings.Contains(dsn, "?") {
				sep = "&"
			}
			dsn += sep + key + "=" + value
		}
	}
	add("parseTime", "true")
	add("loc", "UTC")
	add("charset", "utf8mb4")
	add("interpolateParams", "true") // see openMySQL: transactions use the text protocol
	return dsn
}

// Migrate creates or upgrades the schema.
func (s *Store) Migrate(ctx context.Context) error {
	db := s.w.WithContext(ctx)
	// Self-registered clients older than the used_at column count as used: nothing recorded
	// whether a user authorized them, and reclaiming one in use would break its app.
	backfill := db.Migrator().HasTable(&Client{}) && !db.Migrator().HasColumn(&Client{}, "used_at")
	if err := db.AutoMigrate(All()...); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if backfill {
		err := db.Model(&Client{}).Where("self_registered = ?", true).Update("used_at", gorm.Expr("created_at")).Error
		if err != nil {
			return fmt.Errorf("migrate: mark earlier registered clients used: %w", err)
		}
	}
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}

// Close releases the connection pools.
func (s *Store) Close() error {
	err := closePool(s.db)
	if s.w != s.db {
		err = errors.Join(err, closePool(s.w))
	}
	if s.pin != nil {
		err = errors.Join(err, s.pin.Close())
	}
	return err
}

// Tx runs fn in one transaction (see models.Store).
func (s *Store) Tx(ctx context.Context, fn func(tx models.Store) error) error {
	return s.inTx(ctx, func(tx *Store) error { return fn(tx) })
}

// inTx runs fn in one transaction: committed when fn returns nil, rolled back otherwise. A
// transaction MySQL or Galera rolled back as a deadlock is run again, up to maxTxAttempts
// times (see retryable), so fn must set its results afresh on each run.
func (s *Store) inTx(ctx context.Context, fn func(tx *Store) error) error {
	if s.inside {
		return fn(s)
	}
	for attempt := 1; ; attempt++ {
		err := s.tx.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			inner := &Store{db: tx, w: tx, tx: tx, lockClient: s.lockClient, inside: true}
			if err := fn(inner); err != nil {
				return err
			}
			return s.stillOpen(tx)
		})
		if err == nil || attempt == maxTxAttempts || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(retryPause(attempt)):
		}
	}
}

// DB exposes the read handle for tests and tools that inspect rows directly.
func (s *Store) DB() *gorm.DB { return s.db }

// Handles lists every distinct handle (reads, writes, and on MySQL transactions), for
// instrumentation such as counting queries.
func (s *Store) Handles() []*gorm.DB {
	handles := []*gorm.DB{s.db}
	for _, h := range []*gorm.DB{s.w, s.tx} {
		if !slices.Contains(handles, h) {
			handles = append(handles, h)
		}
	}
	return handles
}

// found turns GORM's not-found into ErrNotFound and wraps anything else with context. A value
// PostgreSQL cannot hold in text (a NUL character) is not found either: no row holds it.
func found(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound) || postgresUnstorable(err):
		return ErrNotFound
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

// created maps a duplicate-key error to ErrConflict.
func created(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) || isDuplicate(err) {
		return ErrConflict
	}
	return fmt.Errorf("%s: %w", what, err)
}

// isDuplicate recognises unique violations from every driver, which GORM does not
// translate unless TranslateError is on (and that costs a driver-specific lookup per error).
func isDuplicate(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "Duplicate entry") ||
		postgresUniqueViolation(err)
}
