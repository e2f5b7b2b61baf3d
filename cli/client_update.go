package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"oauthd/adapters"
	"oauthd/core"
)

// updateFlags are the options of client update; only those given change anything.
type updateFlags struct {
	name, scope, profile, grants, pkce, rotation string
	redirects, roles, refuse, allow              multi
	skip, plain                                  bool
	given                                        map[string]bool
}

func (e *env) clientUpdate(args []string) error {
	fs := e.commandFlags("client update")
	var f updateFlags
	fs.StringVar(&f.name, "name", "", "client name")
	fs.Var(&f.redirects, "redirect-uri", "redirect URI (repeatable; replaces the list)")
	fs.StringVar(&f.scope, "scope", "", "allowed scopes")
	fs.StringVar(&f.profile, "profile", "", "the system the client came from: standard, frappe-v15, frappe or odoo")
	fs.StringVar(&f.grants, "grant-type", "", "allowed grant types, comma-separated")
	fs.BoolVar(&f.skip, "skip-authorization", false, "never show the consent page")
	fs.StringVar(&f.pkce, "pkce", "", "required or optional")
	fs.BoolVar(&f.plain, "pkce-plain", false, "also accept the plain PKCE method")
	fs.StringVar(&f.rotation, "refresh-rotation", "", "on or off")
	fs.Var(&f.roles, "allowed-role", "a role of which a user needs one to authorize the client (repeatable; replaces the list)")
	fs.Var(&f.refuse, "refuse-quirk", "refuse this client a legacy behaviour (repeatable; all: every one)")
	fs.Var(&f.allow, "allow-quirk", "take a refused legacy behaviour back off the list (repeatable; all: every one)")
	id, err := parseOne(fs, args)
	if err != nil {
		return err
	}
	f.given = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.given[fl.Name] = true })
	if len(f.given) == 0 || len(f.given) == 1 && f.given["config"] {
		return fmt.Errorf("%w: client update needs at least one change", errUsage)
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		cur, err := eng.Client(ctx, id)
		if err != nil {
			return err
		}
		ch, err := f.change(cur.RefusedQuirks)
		if err != nil {
			return err
		}
		c, err := eng.UpdateClient(ctx, id, ch)
		if err != nil {
			return err
		}
		return json.NewEncoder(e.out).Encode(adapters.DescribeClient(c))
	})
}

// change is the core's update for the flags given; refused is the client's refused list now,
// which --refuse-quirk adds to and --allow-quirk takes from.
func (f *updateFlags) change(refused string) (core.ClientChange, error) {
	var ch core.ClientChange
	if f.given["name"] {
		ch.Name = &f.name
	}
	if f.given["profile"] {
		ch.Profile = &f.profile
	}
	if f.given["pkce"] {
		ch.PKCE = &f.pkce
	}
	if f.given["redirect-uri"] {
		ch.RedirectURIs = (*[]string)(&f.redirects)
	}
	if f.given["scope"] {
		scopes := core.ParseScope(f.scope)
		ch.Scopes = &scopes
	}
	if f.given["grant-type"] {
		grants := splitList(f.grants)
		ch.GrantTypes = &grants
	}
	if f.given["skip-authorization"] {
		ch.SkipAuthorization = &f.skip
	}
	if f.given["pkce-plain"] {
		ch.AllowPlainPKCE = &f.plain
	}
	if f.given["allowed-role"] {
		ch.AllowedRoles = (*[]string)(&f.roles)
	}
	if f.given["refresh-rotation"] {
		if f.rotation != "on" && f.rotation != "off" {
			return ch, fmt.Errorf("%w: --refresh-rotation takes on or off", errUsage)
		}
		ch.RefreshRotation = new(f.rotation == "on")
	}
	if f.given["refuse-quirk"] || f.given["allow-quirk"] {
		list, err := refusedList(refused, f.refuse, f.allow)
		if err != nil {
			return ch, err
		}
		ch.RefusedQuirks = &list
	}
	return ch, nil
}

// refusedList is the refused list after taking allow off it and adding refuse: given both,
// the refusals win ("--allow-quirk all --refuse-quirk X" leaves X alone refused).
func refusedList(current string, refuse, allow []string) ([]string, error) {
	add, err := core.ParseQuirks(refuse)
	if err != nil {
		return nil, err
	}
	remove, err := core.ParseQuirks(allow)
	if err != nil {
		return nil, err
	}
	cur, err := core.ParseQuirks(splitList(current))
	if err != nil {
		return nil, err
	}
	return (cur&^remove | add).Names(), nil
}

// clientQuirks prints the quirk ledger, one JSON object per client and quirk.
func (e *env) clientQuirks(args []string) error {
	fs := e.commandFlags("client quirks")
	id := fs.String("client", "", "only this client's")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		lines, err := eng.QuirkLedger(ctx, *id)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.out)
		for _, l := range lines {
			if err := enc.Encode(adapters.DescribeQuirkLine(l)); err != nil {
				return err
			}
		}
		return nil
	})
}
