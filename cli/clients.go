package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"oauthd/adapters"
	"oauthd/core"
)

func (e *env) client(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: client takes add, update, list, quirks, remove or rotate-secret", errUsage)
	}
	switch args[0] {
	case "add":
		return e.clientAdd(args[1:])
	case "update":
		return e.clientUpdate(args[1:])
	case "list":
		return e.clientList(args[1:])
	case "quirks":
		return e.clientQuirks(args[1:])
	case "remove":
		return e.clientByID("client remove", args[1:], func(ctx context.Context, eng *core.Engine, id string) error {
			if err := eng.RemoveClient(ctx, id); err != nil {
				return err
			}
			return json.NewEncoder(e.out).Encode(map[string]any{"client_id": id, "removed": true})
		})
	case "rotate-secret":
		return e.clientByID("client rotate-secret", args[1:], func(ctx context.Context, eng *core.Engine, id string) error {
			secret, err := eng.RotateSecret(ctx, id)
			if err != nil {
				return err
			}
			return json.NewEncoder(e.out).Encode(map[string]any{"client_id": id, "client_secret": secret})
		})
	default:
		return fmt.Errorf("%w: unknown client command %q", errUsage, args[0])
	}
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
	fs.StringVar(&f.name, "name", "", "client name")
	fs.Var(&f.redirects, "redirect-uri", "redirect URI (repeatable)")
	fs.StringVar(&f.id, "client-id", "", "client id (default: generated)")
	fs.StringVar(&f.scope, "scope", "", "allowed scopes (default: the server's, see docs/cli.md)")
	fs.Var(&f.authMethods, "auth-method",
		"client_secret_basic, client_secret_post or none (repeatable or comma-separated; default: both secret methods)")
	fs.Var(&f.corsOrigins, "cors-origin", "browser origin allowed to call the token endpoints, e.g. https://app.example (repeatable)")
	fs.BoolVar(&f.skip, "skip-authorization", false, "never show the consent page")
	fs.StringVar(&f.owner, "owner", "", "owner user email")
	fs.StringVar(&f.grants, "grant-type", "", "allowed grant types, comma-separated")
	fs.StringVar(&f.pkce, "pkce", "", "required or optional (default: required for public clients)")
	fs.BoolVar(&f.plain, "pkce-plain", false, "also accept the plain PKCE method")
	fs.StringVar(&f.rotation, "refresh-rotation", "", "on or off (default: on)")
	fs.StringVar(&f.idTokenAlg, "id-token-alg", "", "HS256: Frappe's id_token, signed with the client secret")
	fs.Var(&f.postLogout, "post-logout-redirect-uri", "where end_session may return (repeatable)")
	fs.StringVar(&f.profile, "profile", "", "the system the client came from: standard (default), frappe-v15, frappe or odoo")
	fs.Var(&f.roles, "allowed-role", "a role of which a user needs one to authorize the client (repeatable)")
	fs.Var(&f.refuse, "refuse-quirk", "refuse this client a legacy behaviour from the start (repeatable; all: every one)")
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
		return core.NewClient{}, fmt.Errorf("%w: client add needs --name and --redirect-uri", errUsage)
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
			return core.NewClient{}, fmt.Errorf("%w: --refresh-rotation takes on or off", errUsage)
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
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		clients, err := eng.Clients(ctx)
		if err != nil {
			return err
		}
		list := make([]map[string]any, 0, len(clients))
		for i := range clients {
			list = append(list, adapters.DescribeClient(&clients[i]))
		}
		return json.NewEncoder(e.out).Encode(list)
	})
}

func (e *env) clientByID(name string, args []string, fn func(context.Context, *core.Engine, string) error) error {
	fs := e.commandFlags(name)
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error { return fn(ctx, eng, fs.Arg(0)) })
}
