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
	"slices"

	"oauthd/adapters"
	"oauthd/adapters/ephemeral"
	"oauthd/cluster"
	"oauthd/core"
	"oauthd/logging"
)

// env is what a command runs with.
type env struct {
	in           io.Reader // set-password reads the password here when --password is absent
	out, errOut  io.Writer
	configPath   string
	cmd          string          // the command running, as errors name it: "user add"
	writeNothing bool            // import --dry-run: no database file, schema or secret file is created
	redis        *cluster.Redis  // when redis.url is set; closed when the command ends
	logTo        io.Writer       // where open's logger writes: stdout for serve; nil: nowhere
	log          *logging.Logger // set by open
	observer     core.Observer   // metrics of serve; nil: none
	requests     adapters.RequestObserver
	kit          *ephemeral.Kit                          // serve --ephemeral: the test clock and faults; nil otherwise
	newKey       func(alg string) (crypto.Signer, error) // serve --ephemeral: see earlyKey; nil otherwise
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

// globalFlags takes the flags before the command: --config FILE, --version, --help.
func (e *env) globalFlags(args []string) ([]string, error) {
	fs := newFlagSet("oauthd")
	fs.StringVar(&e.configPath, "config", "", "config file")
	version := fs.Bool("version", false, "print the version")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, helpRequest{}
		}
		return nil, usagef("%s", flagProblem(fs, err, args, 0))
	}
	if *version {
		return []string{"version"}, nil
	}
	return fs.Args(), nil
}

func (e *env) dispatch(args []string) error {
	if len(args) == 0 {
		return e.serve(nil)
	}
	cmd, rest := args[0], args[1:]
	e.cmd = cmd
	switch cmd {
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
	case "help", "-h", "--help", "-help":
		if len(rest) == 0 || isHelp(rest[0]) {
			return helpRequest{}
		}
		return e.dispatch(append(slices.Clone(rest), "--help")) // oauthd help user add: oauthd user add --help
	default:
		e.cmd = ""
		return usagef("unknown command %q", cmd)
	}
}

func (e *env) migrate(args []string) error {
	fs := e.commandFlags("migrate")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	ctx := context.Background()
	cfg, st, eng, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := applyStatic(ctx, eng, cfg, e.log.Logger); err != nil {
		return err
	}
	fmt.Fprintln(e.out, "schema up to date")
	return nil
}
