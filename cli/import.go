package cli

import (
	"context"
	"os"
	"slices"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"oauthd/importer"
)

// importFlags are the options of import frappe|odoo.
type importFlags struct {
	from, only, tz string
	dryRun         bool
}

func (e *env) importCmd(args []string) error {
	from := func(system string) func([]string) error {
		return func(args []string) error { return e.importFrom(system, args) }
	}
	return e.group("import", args, map[string]func([]string) error{"frappe": from("frappe"), "odoo": from("odoo")})
}

// importFrom reads a Frappe or Odoo database into this one; with --dry-run it writes nothing
// at all, not even the database file when there is none yet (see env.writeNothing).
func (e *env) importFrom(system string, args []string) error {
	fs := e.commandFlags("import " + system)
	var f importFlags
	fs.StringVar(&f.from, "from", "", "the source database's `DSN`")
	fs.StringVar(&f.only, "only", "", "the `KINDS` to import, comma-separated: users,clients,tokens (default: all)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "write nothing; print what would change")
	if system == "frappe" {
		fs.StringVar(&f.tz, "source-timezone", "", "the site's time `ZONE`, e.g. Europe/Berlin (default: its System Settings)")
	}
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	e.writeNothing = f.dryRun
	kinds, loc, err := f.check()
	if err != nil {
		return err
	}
	ctx := context.Background()
	src, err := openImportSource(ctx, system, f.from, loc) // first: an unreachable source touches nothing
	if err != nil {
		return err
	}
	defer src.Close()
	cfg, st, eng, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	opt := importer.Options{Kinds: kinds, DryRun: f.dryRun, BcryptCost: cfg.OAuth.BcryptCost,
		RefreshTTL: cfg.OAuth.RefreshTTL, Progress: e.progress(), Clients: eng}
	rep, err := importer.Run(ctx, src, st, opt)
	if err != nil {
		return err
	}
	rep.Print(e.out)
	return nil
}

// check validates the flags: exit 2 before anything is opened.
func (f *importFlags) check() (map[string]bool, *time.Location, error) {
	if f.from == "" {
		return nil, nil, usagef("needs --from")
	}
	kinds := map[string]bool{}
	for _, k := range splitList(f.only) {
		if !slices.Contains(importer.Kinds, k) {
			return nil, nil, usagef("--only takes users, clients and tokens, not %q", k)
		}
		kinds[k] = true
	}
	if f.tz == "" {
		return kinds, nil, nil
	}
	loc, err := time.LoadLocation(f.tz)
	if err != nil {
		return nil, nil, usagef("--source-timezone %q: %v", f.tz, err)
	}
	return kinds, loc, nil
}

func openImportSource(ctx context.Context, system, dsn string, loc *time.Location) (importer.Source, error) {
	if system == "odoo" {
		return importer.OpenOdoo(ctx, dsn)
	}
	return importer.OpenFrappe(ctx, dsn, loc)
}

// progress draws a bar on stderr when it is a terminal, and nothing otherwise (a log file or a
// test gets the summary only).
func (e *env) progress() func(done, total int) {
	f, ok := e.errOut.(*os.File)
	if !ok || !isatty.IsTerminal(f.Fd()) {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription("importing"),
				progressbar.OptionClearOnFinish())
		}
		_ = bar.Set(done) // a bar that cannot draw must not stop the import
	}
}
