package cli

import (
	"context"
	"encoding/json"
	"flag"

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
	fs.StringVar(&f.name, "name", "", "the client's `NAME`")
	fs.Var(&f.redirects, "redirect-uri", "a redirect `URI` (repeatable; replaces the list)")
	fs.StringVar(&f.scope, "scope", "", "the `SCOPES` it may ask for, space-separated")
	fs.StringVar(&f.profile, "profile", "", "the `PROFILE` of the system the client came from: standard, frappe-v15, frappe or odoo")
	fs.StringVar(&f.grants, "grant-type", "", "the `GRANTS` it may use, comma-separated")
	fs.BoolVar(&f.skip, "skip-authorization", false, "never show the consent page (=false: show it)")
	fs.StringVar(&f.pkce, "pkce", "", "the PKCE `MODE`: required or optional")
	fs.BoolVar(&f.plain, "pkce-plain", false, "also accept the plain PKCE method (=false: no longer)")
	fs.StringVar(&f.rotation, "refresh-rotation", "", "a new refresh token at each refresh, `on|off`")
	fs.Var(&f.roles, "allowed-role", "a `ROLE` of which a user needs one to authorize the client (repeatable; replaces the list)")
	fs.Var(&f.refuse, "refuse-quirk", "refuse the client the legacy behaviour `NAME` (repeatable; all: every one)")
	fs.Var(&f.allow, "allow-quirk", "take the legacy behaviour `NAME` back off the refused list (repeatable; all: every one)")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	id := fs.Arg(0)
	f.given = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.given[fl.Name] = true })
	if len(f.given) == 0 || len(f.given) == 1 && f.given["config"] {
		return usagef("needs at least one change")
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
func (f *updateFlags) change(refused []string) (core.ClientChange, error) {
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
			return ch, usagef("--refresh-rotation takes on or off, not %q", f.rotation)
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
func refusedList(current, refuse, allow []string) ([]string, error) {
	add, err := core.ParseQuirks(refuse)
	if err != nil {
		return nil, err
	}
	remove, err := core.ParseQuirks(allow)
	if err != nil {
		return nil, err
	}
	cur, err := core.ParseQuirks(current)
	if err != nil {
		return nil, err
	}
	return (cur&^remove | add).Names(), nil
}

// clientQuirks prints the quirk ledger, a row per client and quirk.
func (e *env) clientQuirks(args []string) error {
	fs := e.commandFlags("client quirks")
	id := fs.String("client", "", "only the client `ID`'s")
	format := formatFlag(fs)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	columns := []string{"client_id", "quirk", "count", "refused", "first_seen", "last_seen"}
	return e.printList(*format, columns, func(ctx context.Context, eng *core.Engine, add func(any) error) error {
		lines, err := eng.QuirkLedger(ctx, *id)
		for i := 0; err == nil && i < len(lines); i++ {
			err = add(adapters.DescribeQuirkLine(lines[i]))
		}
		return err
	})
}
