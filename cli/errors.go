package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"oauthd/core"
)

// Exit codes: 0 done; 1 the command ran and failed (a user that does not exist, a password too
// short, a database that does not answer); 2 it could not run as given (a usage error or an
// invalid configuration).
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// usageError is a command line that cannot run: an unknown command or flag, a missing or
// extra argument, a value a flag does not take. Exit 2, the command's usage after the line.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// configError is an invalid configuration: exit 2, one line naming the key.
type configError struct{ error }

// helpRequest is --help: exit 0, the usage of the command or group name on stdout, with the
// flags of fs when it is set.
type helpRequest struct {
	name string
	fs   *flag.FlagSet
}

func (h helpRequest) Error() string { return "help requested" }

// exitCode reports err, as one line "oauthd: COMMAND: what" on stderr, and returns the exit code.
func (e *env) exitCode(err error) int {
	var (
		use  usageError
		conf configError
		help helpRequest
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &help):
		fmt.Fprint(e.out, helpText(help.name, help.fs))
		return exitOK
	case errors.As(err, &use):
		fmt.Fprint(e.errOut, e.errorLine(use.msg), usageHint(e.cmd))
		return exitUsage
	case errors.As(err, &conf):
		fmt.Fprint(e.errOut, e.errorLine(err.Error()))
		return exitUsage
	default:
		fmt.Fprint(e.errOut, e.errorLine(core.Message(err)))
		return exitError
	}
}

// errorLine is "oauthd: COMMAND: msg" on one line (a multi-line error's lines joined by "; ").
func (e *env) errorLine(msg string) string {
	lines := strings.FieldsFunc(msg, func(r rune) bool { return r == '\n' || r == '\r' })
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	prefix := "oauthd: "
	if e.cmd != "" {
		prefix += e.cmd + ": "
	}
	return prefix + strings.Join(lines, "; ") + "\n"
}
