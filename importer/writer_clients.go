package importer

import (
	"context"
	"errors"
	"fmt"

	"oauthd/core"
	"oauthd/models"
)

// client creates or updates one client; its secret is stored as oauthd's digest only (and,
// for a profile with HS256 id_tokens, sealed, as the core keeps every HS256 client's).
func (w *writer) client(ctx context.Context, st models.Store, c *Client) error {
	if c.Skip != "" {
		w.rep.skip(KindClients, c.Skip)
		return nil
	}
	if !public(c) && c.Secret == "" {
		w.rep.skip(KindClients, "confidential client without a secret")
		return nil
	}
	var ownerID *uint
	if c.Owner != "" {
		id, ok, err := w.userID(ctx, st, c.Owner)
		if err != nil {
			return err
		}
		if ok {
			ownerID = &id
		} else {
			w.rep.note(KindClients, "owner not imported: client imported without an owner")
		}
	}
	row, err := w.opt.Clients.ClientRow(core.NewClient{ID: c.ID, Name: c.Name, RedirectURIs: c.RedirectURIs,
		Scopes: c.Scopes, AuthMethods: c.AuthMethods, GrantTypes: c.GrantTypes, SkipAuthorization: c.SkipAuthorization,
		Profile: c.Profile, AllowedRoles: c.AllowedRoles}, c.Secret)
	switch {
	case errors.Is(err, core.ErrInvalidInput):
		w.rep.skip(KindClients, "oauthd cannot register it as it is: "+err.Error())
		return nil
	case err != nil:
		return fmt.Errorf("client %q: %w", c.ID, err)
	}
	fp := fingerprint(c.ID, row.SecretHash, c.Name, c.RedirectURIs, c.Scopes, row.AuthMethods, row.GrantTypes,
		c.SkipAuthorization, ownerID != nil, row.Profile, row.AllowedRoles)
	old, known, err := w.record(ctx, st, recordClient, c.ID)
	if err != nil {
		return err
	}
	cur, err := st.ClientByID(ctx, c.ID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("client %q: %w", c.ID, err)
	}
	exists := err == nil
	switch {
	case exists && !known:
		w.rep.skip(KindClients, "an oauthd client with this id exists and was not imported")
		return nil
	case exists && old == fp:
		w.rep.count(KindClients, outcomeUnchanged)
		w.rep.carries(row)
		return nil
	}
	if c.Note != "" {
		w.rep.note(KindClients, c.Note)
	}
	if !exists {
		cur = &models.Client{ID: c.ID, CreatedAt: w.now.Unix()}
	}
	applyClient(cur, row, ownerID)
	if exists {
		err = st.UpdateClient(ctx, cur.ID, func(dst *models.Client) error { *dst = *cur; return nil })
		w.rep.count(KindClients, outcomeUpdated)
	} else {
		err = st.CreateClient(ctx, cur)
		w.rep.count(KindClients, outcomeImported)
	}
	if err != nil {
		return fmt.Errorf("client %q: %w", c.ID, err)
	}
	w.rep.carries(row)
	return w.saveRecord(ctx, st, recordClient, c.ID, fp)
}

func public(c *Client) bool { return len(c.AuthMethods) == 1 && c.AuthMethods[0] == core.AuthNone }

// applyClient copies what the import decides onto an oauthd row: everything the core built
// from the source client, and its owner. What an operator set since (refused quirks, CORS
// origins, post-logout URIs) stays.
func applyClient(dst, row *models.Client, ownerID *uint) {
	dst.SecretHash, dst.SecretSealed, dst.IDTokenAlg = row.SecretHash, row.SecretSealed, row.IDTokenAlg
	dst.Name, dst.RedirectURIs, dst.DefaultRedirectURI = row.Name, row.RedirectURIs, row.DefaultRedirectURI
	dst.Scopes, dst.AuthMethods, dst.GrantTypes = row.Scopes, row.AuthMethods, row.GrantTypes
	dst.SkipAuthorization, dst.OwnerID = row.SkipAuthorization, ownerID
	dst.PKCE, dst.AllowPlainPKCE, dst.RefreshRotation = row.PKCE, row.AllowPlainPKCE, row.RefreshRotation
	dst.Profile, dst.AllowedRoles = row.Profile, row.AllowedRoles
}

// redirectURIs keeps the URIs oauthd can match (absolute, no fragment), in order, without
// duplicates, and reports how many it dropped.
func redirectURIs(uris []string) ([]string, int) {
	var out []string
	seen := map[string]bool{}
	dropped := 0
	for _, u := range uris {
		switch {
		case u == "" || seen[u]:
		case !core.ValidRedirectURI(u):
			dropped++
		default:
			seen[u] = true
			out = append(out, u)
		}
	}
	return out, dropped
}
