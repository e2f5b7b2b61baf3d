package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"oauthd/core"
	"oauthd/models"
)

// client creates or updates one client; its secret is stored as oauthd's digest only.
func (w *writer) client(ctx context.Context, st *models.Store, c *Client) error {
	if c.Skip != "" {
		w.rep.skip(KindClients, c.Skip)
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
	secretHash := ""
	if c.Secret != "" && !public(c) {
		secretHash = core.Digest(c.Secret)
	}
	fp := fingerprint(c.ID, secretHash, c.Name, c.RedirectURIs, c.DefaultRedirectURI, c.Scopes, c.AuthMethods,
		c.GrantTypes, c.SkipAuthorization, ownerID != nil, c.AllowPlainPKCE, c.RefreshRotation)
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
		return nil
	case !public(c) && secretHash == "":
		w.rep.skip(KindClients, "confidential client without a secret")
		return nil
	}
	if c.Note != "" {
		w.rep.note(KindClients, c.Note)
	}
	if !exists {
		cur = &models.Client{ID: c.ID, CreatedAt: w.now.Unix()}
	}
	applyClient(cur, c, secretHash, ownerID)
	if exists {
		err = st.SaveClient(ctx, cur)
		w.rep.count(KindClients, outcomeUpdated)
	} else {
		err = st.CreateClient(ctx, cur)
		w.rep.count(KindClients, outcomeImported)
	}
	if err != nil {
		return fmt.Errorf("client %q: %w", c.ID, err)
	}
	return w.saveRecord(ctx, st, recordClient, c.ID, fp)
}

func public(c *Client) bool { return len(c.AuthMethods) == 1 && c.AuthMethods[0] == core.AuthNone }

// applyClient copies a source client's fields onto an oauthd row.
func applyClient(dst *models.Client, c *Client, secretHash string, ownerID *uint) {
	dst.SecretHash = secretHash
	dst.Name = c.Name
	dst.RedirectURIs = strings.Join(c.RedirectURIs, "\n")
	dst.DefaultRedirectURI = c.DefaultRedirectURI
	dst.Scopes = core.JoinScope(c.Scopes)
	setAuthMethods(dst, c.AuthMethods)
	dst.GrantTypes = strings.Join(c.GrantTypes, " ")
	dst.SkipAuthorization = c.SkipAuthorization
	dst.OwnerID = ownerID
	dst.PKCE = "optional" // neither Frappe nor the Odoo module required PKCE of their clients
	if public(c) {
		dst.PKCE = "required"
	}
	dst.AllowPlainPKCE = c.AllowPlainPKCE
	dst.RefreshRotation = c.RefreshRotation
}

// setAuthMethods stores the set of accepted client authentication methods.
func setAuthMethods(dst *models.Client, methods []string) {
	dst.AuthMethods = strings.Join(methods, " ")
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
