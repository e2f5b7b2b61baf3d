package store

import (
	"strings"

	"oauthd/models"
)

// The list encodings of the rows: redirect and logout URIs and contacts one per line (a URI
// holds no newline), scopes, auth methods, grant types and refused quirks space-separated
// (none holds a space), roles comma-separated as Frappe writes them.
const (
	uriSep   = "\n"
	wordSep  = " "
	rolesSep = ","
)

// split decodes a list column; an empty column is an empty list (most clients have several:
// no allocation for them, as ClientByID runs on every token request).
func split(s, sep string) []string {
	if s == "" {
		return []string{}
	}
	if sep == wordSep {
		return strings.Fields(s)
	}
	out := []string{}
	for _, v := range strings.Split(s, sep) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func userOut(r *User) *models.User {
	return &models.User{ID: r.ID, Email: r.Email, FullName: r.FullName, FirstName: r.FirstName,
		LastName: r.LastName, PasswordHash: r.PasswordHash, Enabled: r.Enabled, Roles: split(r.Roles, rolesSep),
		Subject: r.Subject, CreatedAt: r.CreatedAt}
}

func userIn(u *models.User) *User {
	return &User{ID: u.ID, Email: u.Email, FullName: u.FullName, FirstName: u.FirstName, LastName: u.LastName,
		PasswordHash: u.PasswordHash, Enabled: u.Enabled, Roles: strings.Join(u.Roles, rolesSep), Subject: u.Subject,
		CreatedAt: u.CreatedAt}
}

func clientOut(r *Client) *models.Client {
	return &models.Client{ID: r.ID, SecretHash: r.SecretHash, Name: r.Name,
		RedirectURIs: split(r.RedirectURIs, uriSep), DefaultRedirectURI: r.DefaultRedirectURI,
		Scopes: split(r.Scopes, wordSep), AuthMethods: split(r.AuthMethods, wordSep),
		GrantTypes: split(r.GrantTypes, wordSep), SkipAuthorization: r.SkipAuthorization, OwnerID: r.OwnerID,
		PKCE: r.PKCE, AllowPlainPKCE: r.AllowPlainPKCE, RefreshRotation: r.RefreshRotation, CreatedAt: r.CreatedAt,
		OwnerEnabled: r.OwnerEnabled, IDTokenAlg: r.IDTokenAlg, SecretSealed: r.SecretSealed,
		SelfRegistered: r.SelfRegistered, UsedAt: r.UsedAt,
		PostLogoutRedirectURIs: split(r.PostLogoutRedirectURIs, uriSep), ClientURI: r.ClientURI,
		LogoURI: r.LogoURI, TOSURI: r.TOSURI, PolicyURI: r.PolicyURI, Contacts: split(r.Contacts, uriSep),
		ApplicationType: r.ApplicationType, MetadataDocument: r.MetadataDocument, Profile: r.Profile,
		RefusedQuirks: split(r.RefusedQuirks, wordSep), AllowedRoles: split(r.AllowedRoles, rolesSep)}
}

func clientIn(c *models.Client) *Client {
	return &Client{ID: c.ID, SecretHash: c.SecretHash, Name: c.Name, RedirectURIs: strings.Join(c.RedirectURIs, uriSep),
		DefaultRedirectURI: c.DefaultRedirectURI, Scopes: strings.Join(c.Scopes, wordSep),
		AuthMethods: strings.Join(c.AuthMethods, wordSep), GrantTypes: strings.Join(c.GrantTypes, wordSep),
		SkipAuthorization: c.SkipAuthorization, OwnerID: c.OwnerID, PKCE: c.PKCE, AllowPlainPKCE: c.AllowPlainPKCE,
		RefreshRotation: c.RefreshRotation, CreatedAt: c.CreatedAt, IDTokenAlg: c.IDTokenAlg,
		SecretSealed: c.SecretSealed, SelfRegistered: c.SelfRegistered, UsedAt: c.UsedAt,
		PostLogoutRedirectURIs: strings.Join(c.PostLogoutRedirectURIs, uriSep), ClientURI: c.ClientURI,
		LogoURI: c.LogoURI, TOSURI: c.TOSURI, PolicyURI: c.PolicyURI, Contacts: strings.Join(c.Contacts, uriSep),
		ApplicationType: c.ApplicationType, MetadataDocument: c.MetadataDocument,
		Profile: c.Profile, RefusedQuirks: strings.Join(c.RefusedQuirks, wordSep),
		AllowedRoles: strings.Join(c.AllowedRoles, rolesSep)}
}

// each converts a slice of rows with one of the conversions above.
func each[R, M any](rows []R, out func(*R) *M) []M {
	ms := make([]M, len(rows))
	for i := range rows {
		ms[i] = *out(&rows[i])
	}
	return ms
}

func tokenOut(t *Token) *models.Token { return (*models.Token)(t) }
