package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"oauthd/cluster"
	"oauthd/config"
	"oauthd/core"
	"oauthd/logging"
	"oauthd/store"
)

// open loads the configuration and opens the store, migrated.
func (e *env) open(ctx context.Context) (*config.Config, *store.Store, *core.Engine, error) {
	cfg, err := loadConfig(e.configPath)
	if err != nil {
		return nil, nil, nil, configError{err}
	}
	st, eng, err := e.openWith(ctx, cfg)
	return cfg, st, eng, err
}

// openWith opens the store of cfg, migrated, and the engine over it; an ephemeral server's
// store is in memory and its engine reads the test clock.
func (e *env) openWith(ctx context.Context, cfg *config.Config) (*store.Store, *core.Engine, error) {
	log, err := e.newLogger(cfg)
	if err != nil {
		return nil, nil, configError{err}
	}
	e.log = log
	st, err := e.openStore(ctx, cfg.Database, StoreOptions(cfg.Database))
	if err != nil {
		return nil, nil, err
	}
	opt := EngineOptions(cfg)
	if opt.OIDC.Sealer, err = e.sealer(cfg); err != nil {
		st.Close()
		return nil, nil, err
	}
	if opt.Documents, err = clientDocuments(cfg.CIMD); err != nil {
		st.Close()
		return nil, nil, configError{err}
	}
	if cfg.Redis.URL != "" {
		if e.redis, err = cluster.Open(ctx, cfg.Redis.URL, cfg.Redis.Prefix); err != nil {
			st.Close()
			return nil, nil, err
		}
		opt.Bus = e.redis
		opt.Counters = e.redis.Counters() // one login budget across every instance
	}
	if e.kit != nil {
		opt.Clock, opt.OIDC.NewKey = e.kit.Clock.Now, e.newKey
	}
	opt.Observer = e.observer
	eng, err := core.New(st, opt)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, eng, nil
}

// withEngine runs an administrative command against the migrated store, then closes it.
func (e *env) withEngine(fn func(ctx context.Context, eng *core.Engine) error) error {
	ctx := context.Background()
	_, st, eng, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(ctx, eng)
}

// openStore opens the database, migrated. An ephemeral server's is in memory, and so is a dry
// run's when the SQLite file it names does not exist yet: there is nothing to compare with, and
// a dry run creates nothing. A dry run leaves an existing database's schema as it is.
func (e *env) openStore(ctx context.Context, db config.Database, pool store.Options) (*store.Store, error) {
	memory := e.kit != nil || e.writeNothing && db.Driver == "sqlite" && !exists(store.SQLiteFile(db.DSN))
	var (
		st  *store.Store
		err error
	)
	if memory {
		st, err = store.OpenMemory(pool)
	} else if err = checkSQLitePath(db); err == nil {
		st, err = store.Open(db.Driver, db.DSN, pool)
	}
	if err != nil || (e.writeNothing && !memory) {
		return st, err
	}
	started := time.Now()
	if err := st.Migrate(ctx); err != nil {
		e.log.Error("migration failed", "driver", db.Driver, "error", err.Error())
		st.Close()
		return nil, err
	}
	e.log.Info("schema migrated", "driver", db.Driver, "elapsed_ms", time.Since(started).Milliseconds())
	return st, nil
}

// checkSQLitePath names the path when an SQLite database cannot be where database.dsn says,
// where SQLite itself would only say "unable to open database file".
func checkSQLitePath(db config.Database) error {
	path := store.SQLiteFile(db.DSN)
	if db.Driver != "sqlite" || path == "" {
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("database.dsn: %s is a directory, not a database file", path)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("database.dsn: cannot create %s: the directory %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("database.dsn: cannot create %s: %w", path, err)
	case !st.IsDir():
		return fmt.Errorf("database.dsn: cannot create %s: %s is not a directory", path, dir)
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return path != "" && err == nil
}

// newLogger builds the configured logger over logTo.
func (e *env) newLogger(cfg *config.Config) (*logging.Logger, error) {
	if e.logTo == nil {
		return logging.Discard(), nil
	}
	l, err := logging.New(e.logTo, cfg.Log.Format, cfg.Log.Level)
	if err != nil {
		return nil, fmt.Errorf("config: log.level: %w", err)
	}
	return l, nil
}

// sqliteConnsPerCPU bounds SQLite's read pool: its reads run on this process's CPUs (the driver
// is pure Go, the pages in the OS cache), so connections beyond a few per CPU serve no request
// sooner, and each holds ~300 KB (its lookaside, the parsed schema, its compiled statements).
// Under 64 connections on 2 CPUs, 32 readers against 8 measured 12 MB more peak RSS and the same
// requests/s (scripts/load.sh).
const sqliteConnsPerCPU = 4

// StoreOptions are the pool settings of a database configuration; on SQLite the read pool holds
// at most sqliteConnsPerCPU connections per CPU (GOMAXPROCS).
func StoreOptions(db config.Database) store.Options {
	opt := store.Options{MaxOpenConns: db.MaxOpenConns, MaxIdleConns: db.MaxIdleConns,
		PrepareStatements: db.PrepareStatements}
	if db.Driver == "sqlite" {
		limit := sqliteConnsPerCPU * runtime.GOMAXPROCS(0)
		opt.MaxOpenConns, opt.MaxIdleConns = min(opt.MaxOpenConns, limit), min(opt.MaxIdleConns, limit)
	}
	return opt
}
