package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"oauthd/checker"
)

// errCheckFailed ends `oauthd check` with exit 1 once the report is printed.
var errCheckFailed = errors.New("not passed")

// check runs the seed documents' flows against a server, or two side by side (--against), and
// prints the table or JSON. Exit 1 when the server checked (the new one, with --against: the
// old one is the reference) has a FAIL, or with --strict a DIFF.
func (e *env) check(args []string) error {
	fs := e.commandFlags("check")
	var opt checker.Options
	fs.StringVar(&opt.User, "user", "", "a `USER` that can log in")
	fs.StringVar(&opt.Password, "password", "", "the user's `PASSWORD`")
	fs.StringVar(&opt.ClientID, "client-id", "", "a client `ID` registered on the server")
	fs.StringVar(&opt.ClientSecret, "client-secret", "", "its `SECRET` (none for a public client)")
	fs.StringVar(&opt.RedirectURI, "redirect-uri", "", "a redirect `URI` registered on the client (never fetched)")
	fs.StringVar(&opt.Scope, "scope", "all", "the `SCOPE` Frappe's authorize asks for (\"\": none)")
	fs.StringVar(&opt.OdooDB, "odoo-db", "", "the Odoo database `DB` /web/session/authenticate names")
	fs.DurationVar(&opt.Timeout, "timeout", checker.DefaultTimeout, "the `DURATION` a request may take at most")
	dialect := fs.String("dialect", "both", "the `DIALECT` to check: frappe, odoo or both")
	against := fs.String("against", "", "a second server's `URL` to run the same checks on, side by side")
	asJSON := fs.Bool("json", false, "print JSON instead of the table")
	strict := fs.Bool("strict", false, "a DIFF fails too")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	base := fs.Arg(0)
	if err := checkArgs(&opt, *dialect, base, *against); err != nil {
		return err
	}
	ctx := context.Background()
	opt.BaseURL = base
	reports := []checker.Labelled{{Report: checker.Run(ctx, opt)}}
	if *against != "" {
		opt.BaseURL = *against
		reports[0].Label = "old"
		reports = append(reports, checker.Labelled{Label: "new", Report: checker.Run(ctx, opt)})
	}
	var err error
	if *asJSON {
		err = checker.WriteJSON(e.out, reports)
	} else {
		err = checker.WriteTable(e.out, reports, opt.Dialects)
	}
	if err != nil {
		return err
	}
	judged := reports[len(reports)-1]
	if fails, diffs := judged.Count(checker.Fail), judged.Count(checker.Diff); fails > 0 || (*strict && diffs > 0) {
		return fmt.Errorf("%w: %d FAIL, %d DIFF on %s", errCheckFailed, fails, diffs, judged.Server)
	}
	return nil
}

// checkArgs refuses a check that cannot run, before any request.
func checkArgs(opt *checker.Options, dialect string, urls ...string) error {
	switch dialect {
	case "both":
		opt.Dialects = []string{checker.Frappe, checker.Odoo}
	case checker.Frappe, checker.Odoo:
		opt.Dialects = []string{dialect}
	default:
		return usagef("--dialect takes frappe, odoo or both, not %q", dialect)
	}
	for _, f := range []struct{ flag, value string }{{"--user", opt.User}, {"--password", opt.Password},
		{"--client-id", opt.ClientID}, {"--redirect-uri", opt.RedirectURI}} {
		if f.value == "" {
			return usagef("needs %s", f.flag)
		}
	}
	for i, raw := range urls {
		if i > 0 && raw == "" {
			continue // no --against
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("%q is not an http(s) URL", raw)
		}
	}
	return nil
}
