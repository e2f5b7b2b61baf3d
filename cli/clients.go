package cli

import (
	"context"
	"encoding/json"
	"flag"
	"strings"

	"oauthd/adapters"
	"oauthd/core"
)

func (e *env) client(args []string) error {
	return e.group("client", args, map[string]func([]string) error{
		"add": e.clientAdd, "update": e.clientUpdate, "list": e.clientList, "quirks": e.clientQuirks,
		"remove": func(args []string) error {
			return e.clientByID("client remove", args, func(ctx context.Context, eng *core.Engine, id string) error {
				if err := eng.RemoveClient(ctx, id); err != nil {
					return err
				}
				return json.NewEncoder(e.out).Encode(map[string]any{"client_id": id, "removed": true})
			})
		},
		"rotate-secret": func(args []string) error {
			return e.clientByID("client rotate-secret", args, func(ctx context.Context, eng *core.Engine, id string) error {
				secret, err := eng.RotateSecret(ctx, id)
				if err != nil {
					return err
				}
				return json.NewEncoder(e.out).Encode(map[string]any{"client_id": id, "client_secret": secret})
			})
		},
	})
}

// clientFlags are the options of client add. Only the flags given reach the core, which
// alone decides the defaults of the rest.
type clientFlags struct {
	name, id, scope, owner, grants, pkce, rotation, idTokenAlg, profile string
	redirects, authMethods, corsOrigins, postLogout, roles, refuse      multi
	skip, plain                                                         bool
	given                                                               map[string]bool
}

func (e *env) clientAdd(args []string) error {
	fs := e.commandFlags("client add")
	var f clientFlags
	fs.StringVar(&f.name, "name", "", "the client's `NAME`, shown on the consent page")
	fs.Var(&f.redirects, "redirect-uri", "a redirect `URI` (repeatable; the first is the default)")
	fs.StringVar(&f.id, "client-id", "", "the client `ID` (default: generated); keeps a migrated client's id")
	fs.StringVar(&f.scope, "scope", "", "the `SCOPES` it may ask for, space-separated (default: the profile's)")
	fs.Var(&f.authMethods, "auth-method",
		"a `METHOD` the client authenticates with: client_secret_basic, client_secret_post or none (a public client); repeatable or comma-separated (default: both secret methods)")
	fs.Var(&f.corsOrigins, "cors-origin", "a browser `ORIGIN` allowed to call the token endpoints, e.g. https://app.example (repeatable)")
	fs.BoolVar(&f.skip, "skip-authorization", false, "never show the consent page")
	fs.StringVar(&f.owner, "owner", "", "the `EMAIL` of the user who owns it")
	fs.StringVar(&f.grants, "grant-type", "", "the `GRANTS` it may use, comma-separated (default: authorization_code,refresh_token)")
	fs.StringVar(&f.pkce, "pkce", "", "the PKCE `MODE`: required or optional (default: required for public clients)")
	fs.BoolVar(&f.plain, "pkce-plain", false, "also accept the plain PKCE method")
	fs.StringVar(&f.rotation, "refresh-rotation", "", "a new refresh token at each refresh, `on|off` (default: on)")
	fs.StringVar(&f.idTokenAlg, "id-token-alg", "", "the id_token's `ALG`: HS256 for Frappe's, signed with the client secret (default: the server's keys)")
	fs.Var(&f.postLogout, "post-logout-redirect-uri", "a `URI` end_session may return to (repeatable)")
	fs.StringVar(&f.profile, "profile", "", "the `PROFILE` of the system the client came from: standard (default), frappe-v15, frappe or odoo")
	fs.Var(&f.roles, "allowed-role", "a `ROLE` of which a user needs one to authorize the client (repeatable)")
	fs.Var(&f.refuse, "refuse-quirk", "refuse the client the legacy behaviour `NAME` from the start (repeatable; all: every one)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	f.given = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.given[fl.Name] = true })
	nc, err := f.newClient()
	if err != nil {
		return err
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		c, secret, err := eng.CreateClient(ctx, nc)
		if err != nil {
			return err
		}
		out := adapters.DescribeClient(c)
		out["client_secret"] = secret
		if out["cors_origins"], err = eng.ClientOrigins(ctx, c.ID); err != nil {
			return err
		}
		return json.NewEncoder(e.out).Encode(out)
	})
}

func (f *clientFlags) newClient() (core.NewClient, error) {
	if f.name == "" || len(f.redirects) == 0 {
		return core.NewClient{}, usagef("needs --name and --redirect-uri")
	}
	nc := core.NewClient{ID: f.id, Name: f.name, RedirectURIs: f.redirects,
		AuthMethods: splitList(strings.Join(f.authMethods, ",")), CORSOrigins: f.corsOrigins,
		SkipAuthorization: f.skip, OwnerEmail: f.owner, PKCE: f.pkce, AllowPlainPKCE: f.plain,
		IDTokenAlg: f.idTokenAlg, PostLogoutRedirectURIs: f.postLogout, Profile: f.profile, AllowedRoles: f.roles,
		RefusedQuirks: f.refuse}
	if f.given["scope"] {
		nc.Scopes = core.ParseScope(f.scope)
	}
	if f.given["grant-type"] {
		nc.GrantTypes = splitList(f.grants)
	}
	if f.given["refresh-rotation"] {
		if f.rotation != "on" && f.rotation != "off" {
			return core.NewClient{}, usagef("--refresh-rotation takes on or off, not %q", f.rotation)
		}
		nc.RefreshRotation = new(f.rotation == "on")
	}
	return nc, nil
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

func (e *env) clientList(args []string) error {
	fs := e.commandFlags("client list")
	format := formatFlag(fs)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	columns := []string{"client_id", "name", "profile", "auth_methods", "grant_types", "redirect_uris"}
	return e.printList(*format, columns, func(ctx context.Context, eng *core.Engine, add func(any) error) error {
		clients, err := eng.Clients(ctx)
		for i := 0; err == nil && i < len(clients); i++ {
			err = add(adapters.DescribeClient(&clients[i]))
		}
		return err
	})
}

func (e *env) clientByID(name string, args []string, fn func(context.Context, *core.Engine, string) error) error {
	fs := e.commandFlags(name)
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error { return fn(ctx, eng, fs.Arg(0)) })
}
