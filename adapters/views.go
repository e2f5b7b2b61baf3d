package adapters

import (
	"cmp"
	"time"

	"oauthd/core"
	"oauthd/models"
)

// DescribeClient is a client as the CLI and the admin API show it: everything but the secret
// digest.
func DescribeClient(c *models.Client) map[string]any {
	return map[string]any{
		"client_id": c.ID, "name": c.Name, "redirect_uris": c.RedirectURIs,
		"default_redirect_uri": c.DefaultRedirectURI, "scope": core.JoinScope(c.Scopes), "auth_methods": core.AuthMethods(c),
		"grant_types": c.GrantTypes, "skip_authorization": c.SkipAuthorization,
		"pkce": c.PKCE, "pkce_plain": c.AllowPlainPKCE, "refresh_rotation": c.RefreshRotation,
		"has_owner": c.OwnerID != nil, "self_registered": c.SelfRegistered,
		"id_token_alg":              cmp.Or(c.IDTokenAlg, "server keys"),
		"post_logout_redirect_uris": list(c.PostLogoutRedirectURIs),
		"client_uri":                c.ClientURI, "logo_uri": c.LogoURI, "tos_uri": c.TOSURI, "policy_uri": c.PolicyURI,
		"contacts": list(c.Contacts), "application_type": c.ApplicationType, "metadata_document": c.MetadataDocument,
		"profile": core.ProfileOf(c), "refused_quirks": core.RefusedQuirks(c).Names(),
		"allowed_quirks": core.AllowedQuirks(c).Names(), "allowed_roles": list(c.AllowedRoles),
	}
}

// DescribeQuirkLine is a line of the quirk ledger as the CLI and the admin API show it: count
// is every use, refused those of them refused.
func DescribeQuirkLine(l core.QuirkLine) map[string]any {
	return map[string]any{"client_id": l.ClientID, "quirk": l.Quirk, "count": l.Uses, "refused": l.Refused,
		"first_seen": l.FirstSeen.Format(time.RFC3339), "last_seen": l.LastSeen.Format(time.RFC3339)}
}

// DescribeUser is a user as the CLI and the admin API show it: never the password hash.
func DescribeUser(u *models.User) map[string]any {
	return map[string]any{"id": u.ID, "email": u.Email, "full_name": u.FullName, "first_name": u.FirstName,
		"last_name": u.LastName, "enabled": u.Enabled,
		"roles": list(u.Roles), "created_at": u.CreatedAt}
}

// DescribeToken is a token as the admin API lists it: what it is for, never its digest (which
// would let a reader of the listing look the token up).
func DescribeToken(t *models.Token) map[string]any {
	return map[string]any{"kind": t.Kind, "client_id": t.ClientID, "user_id": t.UserID, "scope": t.Scope,
		"issued_at": t.IssuedAt, "expires_at": t.ExpiresAt}
}

// DescribeKey is a signing key as the CLI and the admin API show it: its public description,
// never the key material.
func DescribeKey(k core.KeyInfo) map[string]any {
	out := map[string]any{"kid": k.ID, "alg": k.Alg, "created_at": k.CreatedAt, "signing": k.RetiredAt.IsZero(),
		"published": k.Published}
	if !k.RetiredAt.IsZero() {
		out["retired_at"] = k.RetiredAt
	}
	return out
}

// DescribeAll is each item as describe shows it: a list for the CLI or the admin API.
func DescribeAll[T any](items []T, describe func(*T) map[string]any) []map[string]any {
	out := make([]map[string]any, 0, len(items))
	for i := range items {
		out = append(out, describe(&items[i]))
	}
	return out
}

// list shows an absent list as an empty one, whether the store read it or a caller built it.
func list(vs []string) []string {
	if vs == nil {
		return []string{}
	}
	return vs
}
