package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"oauthd/adapters"
	"oauthd/config"
	"oauthd/core"
	"oauthd/store"
)

func (e *env) keys(args []string) error {
	return e.group("keys", args, map[string]func([]string) error{"list": e.keysList,
		"rotate": func(args []string) error {
			return e.keysCommand("keys rotate", args, 0, func(ctx context.Context, eng *core.Engine, _ []string) error {
				k, err := eng.RotateSigningKey(ctx)
				if err != nil {
					return err
				}
				return json.NewEncoder(e.out).Encode(adapters.DescribeKey(*k))
			})
		},
		"remove": func(args []string) error {
			return e.keysCommand("keys remove", args, 1, func(ctx context.Context, eng *core.Engine, a []string) error {
				if err := eng.RemoveSigningKey(ctx, a[0]); err != nil {
					return err
				}
				return json.NewEncoder(e.out).Encode(map[string]any{"kid": a[0], "removed": true})
			})
		},
	})
}

func (e *env) keysList(args []string) error {
	fs := e.commandFlags("keys list")
	format := formatFlag(fs)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	columns := []string{"kid", "alg", "signing", "published", "created_at", "retired_at"}
	return e.printList(*format, columns, func(ctx context.Context, eng *core.Engine, add func(any) error) error {
		keys, err := eng.SigningKeyList(ctx)
		for i := 0; err == nil && i < len(keys); i++ {
			err = add(adapters.DescribeKey(keys[i]))
		}
		return err
	})
}

func (e *env) keysCommand(name string, args []string, positional int,
	fn func(context.Context, *core.Engine, []string) error) error {
	fs := e.commandFlags(name)
	if err := parse(fs, args, positional); err != nil {
		return err
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error { return fn(ctx, eng, fs.Args()) })
}

// errNoSecret is the start-up error of a database server deployment (MySQL, PostgreSQL)
// without a sealing secret.
func errNoSecret(driver string) error {
	return configError{fmt.Errorf("config: keys.encryption_secret: must be set when database.driver is %s, "+
		"so that every instance reads the same signing keys (generate one with: openssl rand -hex 32)", driver)}
}

// sealer builds the engine's Sealer from keys.encryption_secret. With SQLite and no secret,
// one is generated into a 0600 file beside the database (read back on later starts), or for
// an ephemeral server's in-memory database, or a dry run that finds no file, kept in memory;
// with a database server no secret means none (serve then refuses to start: see errNoSecret).
func (e *env) sealer(cfg *config.Config) (*core.Sealer, error) {
	secret := cfg.Keys.EncryptionSecret
	if secret == "" && e.kit != nil {
		secret = core.NewSealSecret()
	}
	if secret == "" && cfg.Database.Driver == "sqlite" {
		var err error
		if secret, err = secretBeside(cfg.Database.DSN, !e.writeNothing); err != nil {
			return nil, err
		}
	}
	if secret == "" {
		return nil, nil
	}
	s, err := core.NewSealer(secret)
	if err != nil {
		return nil, configError{fmt.Errorf("config: keys.encryption_secret: %w", err)}
	}
	return s, nil
}

// secretBeside reads, or creates, <database file>.secret. An in-memory database gets a
// secret that dies with it, and so does one whose file is absent when create is false.
func secretBeside(dsn string, create bool) (string, error) {
	path := store.SQLiteFile(dsn)
	if path == "" {
		return core.NewSealSecret(), nil
	}
	file := filepath.Clean(path) + ".secret"
	if b, err := os.ReadFile(file); err == nil {
		return strings.TrimSpace(string(b)), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", file, err)
	} else if !create {
		return core.NewSealSecret(), nil
	}
	secret := core.NewSealSecret()
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) { // another process created it first: use theirs
		return secretBeside(dsn, create)
	}
	if err != nil {
		return "", fmt.Errorf("create %s: %w", file, err)
	}
	if _, err := f.WriteString(secret + "\n"); err != nil {
		f.Close()
		return "", fmt.Errorf("write %s: %w", file, err)
	}
	return secret, f.Close()
}
