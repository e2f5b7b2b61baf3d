package cli

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
)

// commandLines are oauthd's command lines, in the order the overview lists them, each under
// the name of the command it runs. The overview is all of them; a usage error prints those of
// its command, and `--help` those of the command or group asked about (`user` is every `user …`
// line), then the command's flags.
var commandLines = []struct{ name, text string }{
	{"serve", `oauthd [--config FILE] [serve [--demo] [--addr HOST:PORT] [--fixtures FILE]]   migrate, then serve HTTP`},
	{"serve", `oauthd serve --ephemeral [--public] [--addr 127.0.0.1:0] [--fixtures FILE]   in memory, for test suites:
                                             a test clock, faults, one JSON ready line on stdout`},
	{"migrate", `oauthd migrate                               create or upgrade the schema`},
	{"user add", `oauthd user add --email E --password P [--full-name N] [--first-name F] [--last-name L] [--role R ...]`},
	{"user list", `oauthd user list [--search S] [--offset N] [--limit N] [--format table]`},
	{"user disable", `oauthd user disable EMAIL                    and revoke their tokens and sessions`},
	{"user enable", `oauthd user enable EMAIL`},
	{"user set-password", `oauthd user set-password EMAIL [--password P]                without --password: the first line of stdin`},
	{"user roles", `oauthd user roles EMAIL [--add R ...] [--remove R ...]`},
	{"user remove", `oauthd user remove EMAIL                     with their tokens, codes, consents and sessions`},
	{"client add", `oauthd client add --name N --redirect-uri U [--redirect-uri U2 ...] [--client-id ID] [--scope "all openid"]
       [--profile standard|frappe-v15|frappe|odoo] [--auth-method client_secret_basic|client_secret_post|none ...]
       [--cors-origin https://app.example ...] [--skip-authorization] [--owner EMAIL]
       [--grant-type authorization_code,refresh_token,client_credentials] [--pkce required|optional]
       [--pkce-plain] [--refresh-rotation on|off] [--id-token-alg HS256] [--post-logout-redirect-uri U ...]
       [--allowed-role R ...] [--refuse-quirk NAME|all ...]`},
	{"client update", `oauthd client update ID [--name N] [--redirect-uri U ...] [--scope S] [--profile P] [--grant-type G,...]
       [--skip-authorization=true|false] [--pkce required|optional] [--pkce-plain=true|false]
       [--refresh-rotation on|off] [--allowed-role R ...] [--refuse-quirk NAME|all ...] [--allow-quirk NAME|all ...]`},
	{"client list", `oauthd client list [--format table]`},
	{"client quirks", `oauthd client quirks [--client ID] [--format table]   the quirk ledger: per client and quirk`},
	{"client remove", `oauthd client remove ID`},
	{"client rotate-secret", `oauthd client rotate-secret ID`},
	{"purge", `oauthd purge [--older-than 720h]             delete codes, sessions and tokens expired or revoked that long ago`},
	{"import frappe", `oauthd import frappe --from 'user:pass@tcp(host:3306)/site_db' [--dry-run] [--only users,clients,tokens]
       [--source-timezone Europe/Berlin]`},
	{"import odoo", `oauthd import odoo --from 'postgres://user:pass@host:5432/dbname' [--dry-run] [--only users,clients,tokens]`},
	{"admin token create", `oauthd admin token create --name N           print a new admin token (stored as a digest)`},
	{"admin token list", `oauthd admin token list [--format table]`},
	{"admin token revoke", `oauthd admin token revoke NAME`},
	{"keys list", `oauthd keys list [--format table]            the id_token signing keys: kid, alg, signing, published`},
	{"keys rotate", `oauthd keys rotate                           a new key signs from now on; old ones stay published`},
	{"keys remove", `oauthd keys remove KID                       drop a retired key at once (its tokens stop verifying)`},
	{"check", `oauthd check BASE_URL --user U --password P --client-id ID [--client-secret S] --redirect-uri U
       [--dialect frappe|odoo|both] [--scope all] [--odoo-db DB] [--against NEW_URL] [--json] [--strict]
       [--timeout 15s]
                                             the seed documents' flows against any server: PASS/DIFF/FAIL`},
	{"version", `oauthd version (or --version)                version, commit and Go version of this build`},
	{"help", `oauthd help [COMMAND]                        this text, or a command's own: the same as oauthd COMMAND --help`},
}

// usageNotes close the overview: what holds for every command.
const usageNotes = `Every command also takes --config FILE, and --help for its own usage and flags.
Lists print one JSON object per line; --format table prints aligned columns for people.
After --, every argument is positional, never a flag: oauthd keys remove -- -Xy3 (for a key id,
email or client id that begins with "-").
Exit status: 0 done; 1 failed, with one line on stderr: oauthd: COMMAND: what went wrong;
2 the command line is wrong (its usage follows) or the configuration is (the line names the key).`

// usage is the overview, `oauthd --help`; it is also the block of docs/cli.md
// (TestUsageIsTheDocs keeps them equal).
var usage = overview()

func overview() string {
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, c := range commandLines {
		b.WriteString(indent(c.text, "  ") + "\n")
	}
	b.WriteString(indent(usageNotes, "  "))
	return b.String()
}

// linesOf are the command lines of the command or group name, in the overview's order.
func linesOf(name string) []string {
	var out []string
	for _, c := range commandLines {
		if c.name == name || strings.HasPrefix(c.name, name+" ") {
			out = append(out, c.text)
		}
	}
	return out
}

// helpText is what `oauthd NAME --help` prints: the command's lines, then its flags when fs is
// given, or for a group how to ask about one of its commands.
func helpText(name string, fs *flag.FlagSet) string {
	lines := linesOf(name)
	if name == "" || len(lines) == 0 {
		return usage + "\n"
	}
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, l := range lines {
		b.WriteString(indent(l, "  ") + "\n")
	}
	if fs == nil {
		fmt.Fprintf(&b, "\nRun oauthd %s COMMAND --help for a command's flags.\n", name)
		return b.String()
	}
	b.WriteString("\nflags:\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) { fmt.Fprintf(tw, "  %s\t%s\n", flagSyntax(f), flagHelp(f)) })
	fmt.Fprintf(tw, "  --help\tprint this help\n")
	tw.Flush()
	return b.String()
}

// usageHint follows a usage error's line: the lines of the command it was meant for (the
// continuation lines aligned under "usage: "), and where its flags are explained.
func usageHint(name string) string {
	lines := linesOf(name)
	if name == "" || len(lines) == 0 {
		return "Run oauthd --help for the commands.\n"
	}
	text := indent(strings.Join(lines, "\n"), "       ")
	hint := fmt.Sprintf("Run oauthd %s --help for its flags.\n", name)
	if !slices.ContainsFunc(commandLines, func(c struct{ name, text string }) bool { return c.name == name }) {
		hint = fmt.Sprintf("Run oauthd %s COMMAND --help for a command's flags.\n", name)
	}
	return "usage: " + strings.TrimPrefix(text, "       ") + "\n" + hint
}

// flagSyntax is how a flag is written: --name, with its value's placeholder unless it is a
// switch. The placeholder is the word in backquotes in the flag's usage, else its type's.
func flagSyntax(f *flag.Flag) string {
	if isSwitch(f) {
		return "--" + f.Name
	}
	name, _ := flag.UnquoteUsage(f)
	if p, ok := map[string]string{"string": "VALUE", "value": "VALUE", "int": "N", "duration": "DURATION"}[name]; ok {
		name = p
	}
	return "--" + f.Name + " " + name
}

// flagHelp is a flag's usage text with its default, when it has one worth saying.
func flagHelp(f *flag.Flag) string {
	_, text := flag.UnquoteUsage(f)
	switch f.DefValue {
	case "", "0", "false", "0s":
		return text
	}
	if strings.Contains(text, "default") {
		return text
	}
	return text + " (default " + f.DefValue + ")"
}

// isSwitch reports whether a flag takes no value (a boolean).
func isSwitch(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func indent(text, prefix string) string {
	return prefix + strings.ReplaceAll(text, "\n", "\n"+prefix)
}
