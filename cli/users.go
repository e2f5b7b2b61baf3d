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
	fullName := fs.String("full-name", "", "full name")
	var roles multi
	fs.Var(&roles, "role", "role (repeatable)")
	if err := parse(fs, args[1:], 0); err != nil {
		return err
	}
	if *email == "" || *password == "" {
		return fmt.Errorf("%w: user add needs --email and --password", errUsage)
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		u, err := eng.CreateUser(ctx, newUser(*email, *password, *fullName, roles))
		if err != nil {
			return err
		}
		return json.NewEncoder(e.out).Encode(map[string]any{"id": u.ID, "email": u.Email, "full_name": u.FullName})
	})
}

func newUser(email, password, fullName string, roles []string) core.NewUser {
	return core.NewUser{Email: email, Password: password, FullName: fullName, Roles: roles}
}
