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
	byEmail := func(name string, fn func(*core.Engine, context.Context, string) (*models.User, error)) func([]string) error {
		return func(args []string) error { return e.userByEmail(name, args, nil, fn) }
	}
	return e.group("user", args, map[string]func([]string) error{
		"add": e.userAdd, "list": e.userList, "set-password": e.userSetPassword, "roles": e.userRoles,
		"disable": byEmail("user disable", (*core.Engine).DisableUser),
		"enable":  byEmail("user enable", (*core.Engine).EnableUser),
		"remove":  byEmail("user remove", (*core.Engine).RemoveUser),
	})
}

func (e *env) userAdd(args []string) error {
	fs := e.commandFlags("user add")
	email := fs.String("email", "", "the user's `EMAIL`, with which they log in")
	password := fs.String("password", "", "their `PASSWORD` (at least 8 characters)")
	fullName := fs.String("full-name", "", "full `NAME` (default: first and last name, or the email's local part)")
	firstName := fs.String("first-name", "", "first `NAME` (default: the full name's first word)")
	lastName := fs.String("last-name", "", "last `NAME` (default: the rest of the full name)")
	var roles multi
	fs.Var(&roles, "role", "a `ROLE` the user holds (repeatable)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *email == "" || *password == "" {
		return usagef("needs --email and --password")
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

// userList prints the users page by page, so that a large list streams.
func (e *env) userList(args []string) error {
	fs := e.commandFlags("user list")
	search := fs.String("search", "", "only users whose email or name contains `TEXT`")
	offset := fs.Int("offset", 0, "skip the first `N` users")
	limit := fs.Int("limit", 0, "print at most `N` users (default: all)")
	format := formatFlag(fs)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *offset < 0 || *limit < 0 {
		return usagef("--offset and --limit must not be negative")
	}
	columns := []string{"email", "full_name", "enabled", "roles", "created_at"}
	return e.printList(*format, columns, func(ctx context.Context, eng *core.Engine, add func(any) error) error {
		for left, at := *limit, *offset; ; {
			page := core.MaxUserPage
			if *limit > 0 {
				page = min(left, page)
			}
			res, err := eng.Users(ctx, core.UserQuery{Search: *search, Offset: at, Limit: page})
			for i := 0; err == nil && i < len(res.Users); i++ {
				err = add(adapters.DescribeUser(&res.Users[i]))
			}
			if err != nil {
				return err
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
	password := fs.String("password", "", "the new `PASSWORD` (default: the first line of standard input)")
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
	fs.Var(&add, "add", "a `ROLE` to give (repeatable)")
	fs.Var(&remove, "remove", "a `ROLE` to take away (repeatable)")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	if len(add) == 0 && len(remove) == 0 {
		return usagef("needs --add or --remove")
	}
	return e.changeUser(fs.Arg(0), func(eng *core.Engine, ctx context.Context, email string) (*models.User, error) {
		return eng.UpdateUser(ctx, email, core.UserChange{AddRoles: add, RemoveRoles: remove})
	})
}

// userByEmail runs a command that takes one EMAIL argument and prints the user it returns.
func (e *env) userByEmail(name string, args []string, fs *flag.FlagSet,
	fn func(*core.Engine, context.Context, string) (*models.User, error)) error {
	if fs == nil {
		fs = e.commandFlags(name)
	}
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	return e.changeUser(fs.Arg(0), fn)
}

// changeUser runs fn on the user with this email and prints the user it returns.
func (e *env) changeUser(email string, fn func(*core.Engine, context.Context, string) (*models.User, error)) error {
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		u, err := fn(eng, ctx, email)
		if err != nil {
			return err
		}
		return e.printUser(u)
	})
}

func (e *env) printUser(u *models.User) error {
	return json.NewEncoder(e.out).Encode(adapters.DescribeUser(u))
}
