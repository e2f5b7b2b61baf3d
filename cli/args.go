package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// commandFlags makes a command's flag set, which also accepts --config, and makes the command
// the one errors name.
func (e *env) commandFlags(name string) *flag.FlagSet {
	e.cmd = name
	fs := newFlagSet(name)
	fs.StringVar(&e.configPath, "config", e.configPath, "read `FILE` (default: config.toml in the working directory, when there is one)")
	return fs
}

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by exitCode
	return fs
}

// parse parses a command's flags and exactly n positional arguments. Flags and arguments may
// come in any order; every argument after "--" is positional, so that a key id, an email or a
// client id that begins with "-" can be given.
func parse(fs *flag.FlagSet, args []string, n int) error {
	flags, positional := splitArgs(fs, args)
	if err := fs.Parse(flags); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return helpRequest{fs.Name(), fs}
		}
		return usagef("%s", flagProblem(fs, err, flags, n))
	}
	if err := fs.Parse(append([]string{"--"}, positional...)); err != nil { // fs.Args() is now positional
		return usagef("%v", err)
	}
	if len(positional) != n {
		return usagef("%s", countProblem(n, positional))
	}
	return nil
}

// splitArgs separates the flags (each with its value, when it takes one and is not written
// --name=value) from the positional arguments.
func splitArgs(fs *flag.FlagSet, args []string) (flags, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return flags, append(positional, args[i+1:]...)
		case len(a) < 2 || a[0] != '-':
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isSwitch(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return flags, positional
}

// flagProblem says what is wrong with the flags, in their own spelling (--name).
func flagProblem(fs *flag.FlagSet, err error, flags []string, n int) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		given := "--" + name
		for _, a := range flags {
			if strings.TrimLeft(a, "-") == name {
				given = a
				break
			}
		}
		if n == 0 {
			return "unknown flag " + given
		}
		return fmt.Sprintf("unknown flag %s (an argument that begins with \"-\" goes after --: oauthd %s -- %s)",
			given, fs.Name(), given)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "--" + name + " needs a value"
	}
	return strings.Replace(msg, " for flag -", " for --", 1)
}

func countProblem(n int, got []string) string {
	want := map[int]string{0: "no argument", 1: "one argument"}[n]
	if len(got) == 0 {
		return "takes " + want + ", got none"
	}
	return fmt.Sprintf("takes %s, got %d: %s", want, len(got), strings.Join(quoteEach(got), " "))
}

func quoteEach(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

// group runs the command of a group (user, client, keys, admin token, import) that its first
// argument names.
func (e *env) group(name string, args []string, cmds map[string]func(args []string) error) error {
	if len(args) > 0 && isHelp(args[0]) {
		return helpRequest{name: name}
	}
	if len(args) > 0 {
		if run, ok := cmds[args[0]]; ok {
			e.cmd = name + " " + args[0]
			return run(args[1:])
		}
	}
	var takes []string
	for _, c := range commandLines {
		if sub, ok := strings.CutPrefix(c.name, name+" "); ok && !slices.Contains(takes, strings.Fields(sub)[0]) {
			takes = append(takes, strings.Fields(sub)[0])
		}
	}
	if len(args) == 0 {
		return usagef("takes a command: %s", strings.Join(takes, ", "))
	}
	return usagef("unknown command %q (it takes %s)", args[0], strings.Join(takes, ", "))
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}
