// Package cli implements oauthd's command line: serve, migrate, user and client management.
package cli

import (
	"context"
	"crypto"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"oauthd/adapters"
	"oauthd/adapters/ephemeral"
	"oauthd/cluster"
	"oauthd/config"
	"oauthd/core"
	"oauthd/logging"
	"oauthd/models"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// usage is also the block of docs/cli.md (TestUsageIsTheDocs keeps them equal).
const usage = `usage:
  oauthd [--config FILE] [serve [--demo] [--addr HOST:PORT] [--fixtures FILE]]   migrate, then serve HTTP
  oauthd serve --ephemeral [--public] [--addr 127.0.0.1:0] [--fixtures FILE]   in memory, for test suites:
                                               a test clock, faults, one JSON ready line on stdout
  oauthd migrate                               create or upgrade the schema
  oauthd user add --email E --password P [--full-name N] [--first-name F] [--last-name L] [--role R ...]
  oauthd user list [--search S] [--offset N] [--limit N]       one JSON object per line
  oauthd user disable EMAIL                    and revoke their tokens and sessions
  oauthd user enable EMAIL
  oauthd user set-password EMAIL [--password P]                without --password: the first line of stdin
  oauthd user roles EMAIL [--add R ...] [--remove R ...]
  oauthd user remove EMAIL                     with their tokens, codes, consents and sessions
  oauthd client add --name N --redirect-uri U [--redirect-uri U2 ...] [--client-id ID] [--scope "all openid"]
         [--profile standard|frappe-v15|frappe|odoo] [--auth-method client_secret_basic|client_secret_post|none ...]
         [--cors-origin https://app.example ...] [--skip-authorization] [--owner EMAIL]
         [--grant-type authorization_code,refresh_token,client_credentials] [--pkce required|optional]
         [--pkce-plain] [--refresh-rotation on|off] [--id-token-alg HS256] [--post-logout-redirect-uri U ...]
         [--allowed-role R ...] [--refuse-quirk NAME|all ...]
  oauthd client update ID [--name N] [--redirect-uri U ...] [--scope S] [--profile P] [--grant-type G,...]
         [--skip-authorization=true|false] [--pkce required|optional] [--pkce-plain=true|false]
         [--refresh-rotation on|off] [--allowed-role R ...] [--refuse-quirk NAME|all ...] [--allow-quirk NAME|all ...]
  oauthd client list
  oauthd client quirks [--client ID]           the quirk ledger: one JSON object per client and quirk
  oauthd client remove ID
  oauthd client rotate-secret ID
  oauthd purge [--older-than 720h]             delete codes, sessions and tokens expired or revoked that long ago
  oauthd import frappe --from 'user:pass@tcp(host:3306)/site_db' [--dry-run] [--only users,clients,tokens]
         [--source-timezone Europe/Berlin]
  oauthd import odoo --from 'postgres://user:pass@host:5432/dbname' [--dry-run] [--only users,clients,tokens]
  oauthd admin token create --name N           print a new admin token (stored as a digest)
  oauthd admin token list
  oauthd admin token revoke NAME
  oauthd keys list                             the id_token signing keys: kid, alg, signing, published
  oauthd keys rotate                           a new key signs from now on; old ones stay published
  oauthd keys remove KID                       drop a retired key at once (its tokens stop verifying)
  oauthd check BASE_URL --user U --password P --client-id ID [--client-secret S] --redirect-uri U
         [--dialect frappe|odoo|both] [--scope all] [--odoo-db DB] [--against NEW_URL] [--json] [--strict]
         [--timeout 15s]
                                               the seed documents' flows against any server: PASS/DIFF/FAIL
  oauthd version                               version, commit and Go version of this build
  Every command also takes --config FILE and --help.`

// errUsage marks a command-line mistake: exit 2, nothing written.
var errUsage = errors.New("usage")

// env is what a command runs with.
type env struct {
	in          io.Reader // set-password reads the password here when --password is absent
	out, errOut io.Writer
	configPath  string
	redis       *cluster.Redis  // when redis.url is set; closed when the command ends
	logTo       io.Writer       // where open's logger writes: stdout for serve; nil: nowhere
	log         *logging.Logger // set by open
	observer    core.Observer   // metrics of serve; nil: none
	requests    adapters.RequestObserver
	kit         *ephemeral.Kit                          // serve --ephemeral: the test clock and faults; nil otherwise
	newKey      func(alg string) (crypto.Signer, error) // serve --ephemeral: see earlyKey; nil otherwise
}

// Run executes a command line and returns the process exit code.
func Run(args []string, out, errOut io.Writer) int {
	e := &env{in: os.Stdin, out: out, errOut: errOut}
	args, err := e.globalFlags(args)
	if err == nil {
		err = e.dispatch(args)
	}
	if e.redis != nil {
		e.redis.Close()
	}
	return e.exitCode(err)
}

func (e *env) exitCode(err error) int {
	var cfgErr configError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintln(e.out, usage)
		return exitOK
	case errors.Is(err, errUsage), errors.Is(err, core.ErrInvalidInput):
		fmt.Fprintf(e.errOut, "oauthd: %v\n%s\n", err, usage)
		return exitUsage
	case errors.As(err, &cfgErr):
		fmt.Fprintf(e.errOut, "oauthd: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(e.errOut, "oauthd: %v\n", err)
		return exitError
	}
}

// globalFlags takes a leading --config FILE.
func (e *env) globalFlags(args []string) ([]string, error) {
	fs := newFlagSet("oauthd")
	fs.StringVar(&e.configPath, "config", "", "config file")
	if err := fs.Parse(args); err != nil {
		return nil, usageErr(err)
	}
	return fs.Args(), nil
}

func (e *env) dispatch(args []string) error {
	if len(args) == 0 {
		return e.serve(nil)
	}
	if len(args) > 1 && isHelp(args[1]) {
		return flag.ErrHelp // `oauthd user --help` and the like
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return e.serve(rest)
	case "migrate":
		return e.migrate(rest)
	case "purge":
		return e.purge(rest)
	case "user":
		return e.user(rest)
	case "client":
		return e.client(rest)
	case "import":
		return e.importCmd(rest)
	case "admin":
		return e.admin(rest)
	case "version":
		if err := parse(e.commandFlags("version"), rest, 0); err != nil {
			return err
		}
		fmt.Fprintln(e.out, versionLine())
		return nil
	case "keys":
		return e.keys(rest)
	case "check":
		return e.check(rest)
	case "help", "-h", "--help":
		return flag.ErrHelp
	default:
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
}

// configError marks an invalid configuration: exit 2.
type configError struct{ error }

// open loads the configuration and opens the store, migrated.
func (e *env) open(ctx context.Context) (*config.Config, *models.Store, *core.Engine, error) {
	cfg, err := loadConfig(e.configPath)
	if err != nil {
		return nil, nil, nil, configError{err}
	}
	store, eng, err := e.openWith(ctx, cfg)
	return cfg, store, eng, err
}

// openWith opens the store of cfg, migrated, and the engine over it; an ephemeral server's
// store is in memory and its engine reads the test clock.
func (e *env) openWith(ctx context.Context, cfg *config.Config) (*models.Store, *core.Engine, error) {
	var err error
	if e.log, err = e.newLogger(cfg); err != nil {
		return nil, nil, configError{err}
	}
	pool := models.Options{MaxOpenConns: cfg.Database.MaxOpenConns, MaxIdleConns: cfg.Database.MaxIdleConns,
		PrepareStatements: cfg.Database.PrepareStatements}
	var store *models.Store
	if e.kit != nil {
		store, err = models.OpenMemory(pool)
	} else {
		store, err = models.Open(cfg.Database.Driver, cfg.Database.DSN, pool)
	}
	if err != nil {
		return nil, nil, err
	}
	started := time.Now()
	if err := store.Migrate(ctx); err != nil {
		e.log.Error("migration failed", "driver", cfg.Database.Driver, "error", err.Error())
		store.Close()
		return nil, nil, err
	}
	e.log.Info("schema migrated", "driver", cfg.Database.Driver, "elapsed_ms", time.Since(started).Milliseconds())
	opt := EngineOptions(cfg)
	if opt.OIDC.Sealer, err = e.sealer(cfg); err != nil {
		store.Close()
		return nil, nil, err
	}
	if opt.Documents, err = clientDocuments(cfg.CIMD); err != nil {
		store.Close()
		return nil, nil, configError{err}
	}
	if cfg.Redis.URL != "" {
		if e.redis, err = cluster.Open(ctx, cfg.Redis.URL, cfg.Redis.Prefix); err != nil {
			store.Close()
			return nil, nil, err
		}
		opt.Bus = e.redis
		opt.Counters = e.redis.Counters() // one login budget across every instance
	}
	if e.kit != nil {
		opt.Clock, opt.OIDC.NewKey = e.kit.Clock.Now, e.newKey
	}
	opt.Observer = e.observer
	eng, err := core.New(store, opt)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, eng, nil
}

// withEngine runs an administrative command against the migrated store, then closes it.
func (e *env) withEngine(fn func(ctx context.Context, eng *core.Engine) error) error {
	ctx := context.Background()
	_, store, eng, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	return fn(ctx, eng)
}

func (e *env) migrate(args []string) error {
	fs := e.commandFlags("migrate")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	ctx := context.Background()
	cfg, store, eng, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := applyStatic(ctx, eng, cfg, e.log.Logger); err != nil {
		return err
	}
	fmt.Fprintln(e.out, "schema up to date")
	return nil
}

// commandFlags makes a sub-command flag set that also accepts --config.
func (e *env) commandFlags(name string) *flag.FlagSet {
	fs := newFlagSet(name)
	fs.StringVar(&e.configPath, "config", e.configPath, "config file")
	return fs
}

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, with the usage text
	return fs
}

// parse parses flags and requires exactly positional arguments.
func parse(fs *flag.FlagSet, args []string, positional int) error {
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if fs.NArg() != positional {
		return fmt.Errorf("%w: %s takes %d argument(s), got %q", errUsage, fs.Name(), positional,
			strings.Join(fs.Args(), " "))
	}
	return nil
}

func usageErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return fmt.Errorf("%w: %v", errUsage, err)
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

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

func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "help" }
