package importer

import (
	"fmt"
	"strings"
	"time"

	"oauthd/core"
	"oauthd/models"
)

// Frappe's tokens: 30 characters of [A-Za-z0-9] (oauthlib's generate_token) up to v15; v16
// stores their SHA-256 hex instead, which is oauthd's digest too and carries over unchanged.
const frappeTokenLength = 30

func (f *Frappe) tokens(tx readTx, d *Data, now time.Time) error {
	cols, err := f.columns(tx, "tabOAuth Bearer Token")
	if err != nil {
		return err
	}
	loc, note, err := f.location(tx)
	if err != nil {
		return err
	}
	d.Notes = append(d.Notes, note)
	ts, err := tx.rows("SELECT " + pick(cols, backtick, "", "name", "client", "user", "scopes", "access_token",
		"refresh_token", "expiration_time", "status") + " FROM `tabOAuth Bearer Token` ORDER BY creation, name")
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, r := range ts {
		for _, t := range frappeTokens(r, loc, now) {
			if seen[t.Digest] {
				continue // an older Frappe may repeat a refresh token across rows: carry it once
			}
			seen[t.Digest] = true
			d.Tokens = append(d.Tokens, t)
		}
	}
	return nil
}

// frappeTokens maps one bearer-token row to its access token and its refresh token. A row's
// refresh token outlives its access token in Frappe (it stays usable while the row is Active),
// so it is carried even when the access token has expired.
func frappeTokens(r map[string]any, loc *time.Location, now time.Time) []Token {
	status := str(r["status"])
	base := Token{GrantID: core.Digest("frappe bearer token " + str(r["name"])), ClientID: str(r["client"]),
		User: core.NormalizeEmail(str(r["user"])), Scope: core.JoinScope(core.ParseScope(str(r["scopes"]))),
		Revoked: status == "Revoked"}
	access := base
	access.Kind = models.KindAccess
	access.Digest, access.Skip = frappeDigest(str(r["access_token"]))
	exp, ok := naiveTime(r["expiration_time"], loc)
	access.ExpiresAt = exp.Unix()
	out := []Token{withSkip(access, !ok || !exp.After(now), "expired")}
	if rt := str(r["refresh_token"]); rt != "" {
		refresh := base
		refresh.Kind = models.KindRefresh
		refresh.Digest, refresh.Skip = frappeDigest(rt)
		out = append(out, withSkip(refresh, false, ""))
	}
	return out
}

// withSkip sets the reason a token is not carried, revocation first.
func withSkip(t Token, skip bool, reason string) Token {
	switch {
	case t.Skip != "":
	case t.Revoked:
		t.Skip = "revoked"
	case skip:
		t.Skip = reason
	}
	return t
}

// frappeDigest returns oauthd's digest of a stored Frappe token.
func frappeDigest(v string) (string, string) {
	switch {
	case len(v) == 64 && strings.Trim(v, "0123456789abcdef") == "":
		return v, "" // v16: already SHA-256 hex
	case len(v) == frappeTokenLength && alnum(v):
		return core.Digest(v), ""
	}
	return core.Digest(v), "token format oauthd does not accept (not 30 letters and digits)"
}

// location is the site's time zone: --source-timezone, else System Settings, else UTC.
func (f *Frappe) location(tx readTx) (*time.Location, string, error) {
	if f.tz != nil {
		return f.tz, "token expiry times read in " + f.tz.String() + " (--source-timezone)", nil
	}
	var name string
	if _, err := f.columns(tx, "tabSingles"); err == nil {
		name, err = tx.value("SELECT value FROM `tabSingles` WHERE doctype = 'System Settings' AND field = 'time_zone'")
		if err != nil {
			return nil, "", err
		}
	}
	if name == "" {
		return time.UTC, "the site sets no time zone: token expiry times read as UTC (--source-timezone overrides)", nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, "", fmt.Errorf("the site's time zone %q: %w (pass --source-timezone)", name, err)
	}
	return loc, "token expiry times read in the site's time zone, " + name, nil
}
