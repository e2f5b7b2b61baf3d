package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"oauthd/adapters"
	"oauthd/core"
	"oauthd/models"
)

func (e *env) user(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: user takes add, list, disable, enable, set-password, roles or remove", errUsage)
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "add":
		return e.userAdd(rest)
	case "list":
		return e.userList(rest)
	case "disable":
		return e.userByEmail("user disable", rest, nil, (*core.Engine).DisableUser)
	case "enable":
		return e.userByEmail("user enable", rest, nil, (*core.Engine).EnableUser)
	case "remove":
		return e.userByEmail("user remove", rest, nil, (*core.Engine).RemoveUser)
	case "set-password":
		return e.userSetPassword(rest)
	case "roles":
		return e.userRoles(rest)
	default:
		return fmt.Errorf("%w: unknown user command %q", errUsage, cmd)
	}
}

func (e *env) userAdd(args []string) error {
	fs := e.commandFlags("user add")
	email := fs.String("email", "", "email")
	password := fs.String("password", "", "password")
	fullName := fs.String("full-name", "", "full name (default: first and last name, or the email's local part)")
	firstName := fs.String("first-name", "", "first name (default: the full name's first word)")
	lastName := fs.String("last-name", "", "last name (default: the rest of the full name)")
	var roles multi
	fs.Var(&roles, "role", "role (repeatable)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *email == "" || *password == "" {
		return fmt.Errorf("%w: user add needs --email and --password", errUsage)
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		u, err := eng.CreateUser(ctx, core.NewUser{Email: *email, Password: *password, FullName: *fullName,
			FirstName: *firstName, LastName: *lastName, Roles: roles})
		if err != nil {
			return err
		}
		return e.printUser(u)
	})
}

// userList prints one JSON object per line, so that large lists stream and grep well.
func (e *env) userList(args []string) error {
	fs := e.commandFlags("user list")
	search := fs.String("search", "", "only users whose email or name contains this")
	offset := fs.Int("offset", 0, "skip this many users")
	limit := fs.Int("limit", 0, "print at most this many users (default: all)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *offset < 0 || *limit < 0 {
		return fmt.Errorf("%w: --offset and --limit must not be negative", errUsage)
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		for left, at := *limit, *offset; ; {
			page := core.MaxUserPage
			if *limit > 0 {
				page = min(left, page)
			}
			res, err := eng.Users(ctx, core.UserQuery{Search: *search, Offset: at, Limit: page})
			if err != nil {
				return err
			}
			for i := range res.Users {
				if err := e.printUser(&res.Users[i]); err != nil {
					return err
				}
			}
			at, left = at+len(res.Users), left-len(res.Users)
			if len(res.Users) < page || (*limit > 0 && left == 0) {
				return nil
			}
		}
	})
}

func (e *env) userSetPassword(args []string) error {
	fs := e.commandFlags("user set-password")
	password := fs.String("password", "", "new password (default: the first line of standard input)")
	return e.userByEmail("user set-password", args, fs, func(eng *core.Engine, ctx context.Context, email string) (*models.User, error) {
		if *password == "" {
			p, err := readLine(e.in)
			if err != nil {
				return nil, err
			}
			*password = p
		}
		return eng.SetPassword(ctx, email, *password)
	})
}

// readLine reads a password from standard input, without its line ending.
func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (e *env) userRoles(args []string) error {
	fs := e.commandFlags("user roles")
	var add, remove multi
	fs.Var(&add, "add", "role to add (repeatable)")
	fs.Var(&remove, "remove", "role to remove (repeatable)")
	return e.userByEmail("user roles", args, fs, func(eng *core.Engine, ctx context.Context, email string) (*models.User, error) {
		if len(add) == 0 && len(remove) == 0 {
			return nil, fmt.Errorf("%w: user roles needs --add or --remove", errUsage)
		}
		return eng.UpdateUser(ctx, email, core.UserChange{AddRoles: add, RemoveRoles: remove})
	})
}

// userByEmail runs a command that takes one EMAIL argument (flags may come before or after
// it) and prints the user it returns.
func (e *env) userByEmail(name string, args []string, fs *flag.FlagSet,
	fn func(*core.Engine, context.Context, string) (*models.User, error)) error {
	if fs == nil {
		fs = e.commandFlags(name)
	}
	email, err := parseOne(fs, args)
	if err != nil {
		return err
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		u, err := fn(eng, ctx, email)
		if err != nil {
			return err
		}
		return e.printUser(u)
	})
}

// parseOne parses flags placed before or after exactly one positional argument.
func parseOne(fs *flag.FlagSet, args []string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", usageErr(err)
	}
	if fs.NArg() == 0 {
		return "", fmt.Errorf("%w: %s takes one argument", errUsage, fs.Name())
	}
	arg := fs.Arg(0)
	if err := parse(fs, fs.Args()[1:], 0); err != nil {
		return "", err
	}
	return arg, nil
}

func (e *env) printUser(u *models.User) error {
	return json.NewEncoder(e.out).Encode(adapters.DescribeUser(u))
}
