package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"oauthd/core"
)

func (e *env) user(args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("%w: user takes the sub-command add", errUsage)
	}
	fs := e.commandFlags("user add")
	email := fs.String("email", "", "email")
	password := fs.String("password", "", "password")
	fullName := fs.String("full-name", "", "full name (default: first and last name, or the email's local part)")
	firstName := fs.String("first-name", "", "first name (default: the full name's first word)")
	lastName := fs.String("last-name", "", "last name (default: the rest of the full name)")
	var roles multi
	fs.Var(&roles, "role", "role (repeatable)")
	if err := parse(fs, args[1:], 0); err != nil {
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
		return json.NewEncoder(e.out).Encode(map[string]any{"id": u.ID, "email": u.Email, "full_name": u.FullName,
			"first_name": u.FirstName, "last_name": u.LastName})
	})
}
