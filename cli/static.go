package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"oauthd/config"
	"oauthd/core"
)

// applyStatic makes the store match the [[users]] and [[clients]] tables of the configuration:
// each is created when absent and updated to match otherwise, never duplicated. Users come
// first, since clients name their owners. Secrets and passwords already right are left alone,
// so applying twice ends no session.
func applyStatic(ctx context.Context, eng *core.Engine, cfg *config.Config, log *slog.Logger) error {
	for _, su := range cfg.Users {
		if err := applyUser(ctx, eng, su); err != nil {
			return fmt.Errorf("static user %q: %w", su.Email, err)
		}
	}
	for _, sc := range cfg.Clients {
		if err := applyClient(ctx, eng, sc); err != nil {
			return fmt.Errorf("static client %q: %w", sc.ID, err)
		}
	}
	if len(cfg.Users)+len(cfg.Clients) > 0 {
		log.Info("static setup applied", "users", len(cfg.Users), "clients", len(cfg.Clients))
	}
	return nil
}

func applyUser(ctx context.Context, eng *core.Engine, su config.StaticUser) error {
	u, err := eng.User(ctx, su.Email)
	if errors.Is(err, core.ErrUnknown) {
		u, err = eng.CreateUser(ctx, core.NewUser{Email: su.Email, Password: su.Password, FullName: su.FullName,
			FirstName: su.FirstName, LastName: su.LastName, Roles: su.Roles})
	} else if err == nil {
		ch := core.UserChange{Roles: &su.Roles}
		for dst, v := range map[**string]string{&ch.FullName: su.FullName, &ch.FirstName: su.FirstName,
			&ch.LastName: su.LastName} {
			if v != "" {
				*dst = &v
			}
		}
		if u, err = eng.UpdateUser(ctx, su.Email, ch); err == nil {
			_, err = eng.EnsurePassword(ctx, su.Email, su.Password)
		}
	}
	if err != nil || u.Enabled == su.Enabled {
		return err
	}
	if su.Enabled {
		_, err = eng.EnableUser(ctx, su.Email)
	} else {
		_, err = eng.DisableUser(ctx, su.Email)
	}
	return err
}

func applyClient(ctx context.Context, eng *core.Engine, sc config.StaticClient) error {
	var scopes []string
	if sc.Scope != "" {
		scopes = core.ParseScope(sc.Scope)
	}
	c, err := eng.Client(ctx, sc.ID)
	switch {
	case errors.Is(err, core.ErrUnknown):
		c, _, err = eng.CreateClient(ctx, core.NewClient{ID: sc.ID, Name: sc.Name, RedirectURIs: sc.RedirectURIs,
			Scopes: scopes, AuthMethods: sc.AuthMethods, GrantTypes: sc.GrantTypes,
			SkipAuthorization: sc.SkipAuthorization, OwnerEmail: sc.Owner, PKCE: sc.PKCE,
			AllowPlainPKCE: sc.PKCEPlain, RefreshRotation: sc.RefreshRotation, Profile: sc.Profile,
			RefusedQuirks: sc.RefusedQuirks, AllowedRoles: sc.AllowedRoles})
	case err == nil:
		if len(sc.AuthMethods) > 0 && !slices.Equal(sortedCopy(sc.AuthMethods), sortedCopy(core.AuthMethods(c))) {
			return fmt.Errorf("%w: its auth methods cannot change (remove the client first)", core.ErrInvalidInput)
		}
		ch := core.ClientChange{Name: &sc.Name, RedirectURIs: &sc.RedirectURIs, GrantTypes: &sc.GrantTypes,
			SkipAuthorization: &sc.SkipAuthorization, AllowPlainPKCE: &sc.PKCEPlain,
			RefreshRotation: sc.RefreshRotation, Profile: &sc.Profile, RefusedQuirks: &sc.RefusedQuirks,
			AllowedRoles: &sc.AllowedRoles}
		if scopes != nil {
			ch.Scopes = &scopes
		}
		if sc.PKCE != "" {
			ch.PKCE = &sc.PKCE
		}
		if len(sc.GrantTypes) == 0 {
			ch.GrantTypes = nil
		}
		c, err = eng.UpdateClient(ctx, sc.ID, ch)
	}
	if err != nil {
		return err
	}
	if core.Public(c) {
		return nil // the configuration allows a secret only for clients not declared public
	}
	return eng.SetClientSecret(ctx, sc.ID, sc.Secret)
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
