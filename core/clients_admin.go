package core

import (
	"context"
	"fmt"
	"strings"

	"oauthd/models"
)

// Client finds a client by id; unknown ids are ErrUnknown.
func (e *Engine) Client(ctx context.Context, id string) (*models.Client, error) {
	c, err := e.store.ClientByID(ctx, id)
	if err != nil {
		return nil, clientErr(id, err)
	}
	return c, nil
}

// ClientChange is an update to a client; nil fields are left alone. The id, the secret and
// the auth methods do not change here (rotate-secret replaces the secret). A new Profile
// changes what the profile alone decides; the client's own settings stay as they are unless
// the change gives them too.
type ClientChange struct {
	Name              *string
	RedirectURIs      *[]string
	Scopes            *[]string
	GrantTypes        *[]string
	SkipAuthorization *bool
	PKCE              *string
	AllowPlainPKCE    *bool
	RefreshRotation   *bool
	Profile           *string
	RefusedQuirks     *[]string // the whole refused list ("all": every quirk)
	AllowedRoles      *[]string
}

// UpdateClient applies a change with the same validation as CreateClient; nothing is written
// unless all of it is valid.
func (e *Engine) UpdateClient(ctx context.Context, id string, ch ClientChange) (*models.Client, error) {
	c, err := e.Client(ctx, id)
	if err != nil {
		return nil, err
	}
	nc := NewClient{ID: c.ID, Name: c.Name, RedirectURIs: c.RedirectURIs,
		Scopes: c.Scopes, AuthMethods: AuthMethods(c), GrantTypes: c.GrantTypes,
		SkipAuthorization: c.SkipAuthorization, PKCE: c.PKCE, AllowPlainPKCE: c.AllowPlainPKCE,
		RefreshRotation: &c.RefreshRotation, IDTokenAlg: c.IDTokenAlg, Profile: profileOf(c).Name,
		RefusedQuirks: RefusedQuirks(c).Names(), AllowedRoles: c.AllowedRoles}
	ch.Apply(&nc)
	if err := checkChange(&nc); err != nil {
		return nil, err
	}
	if err := e.store.UpdateClient(ctx, id, func(c *models.Client) error { nc.applyTo(c); return nil }); err != nil {
		return nil, clientErr(id, err)
	}
	e.bearer.clear()    // cached principals carry the client's skip_authorization
	e.loadRefusals(ctx) // bearer checks here honour a refusal at once, other instances within a flush
	return e.Client(ctx, id)
}

// Apply sets the fields of nc that ch gives: an update of a stored client, or the settings of
// a new one given as a change (the admin API's body).
func (ch ClientChange) Apply(nc *NewClient) {
	set(&nc.Name, ch.Name)
	set(&nc.RedirectURIs, ch.RedirectURIs)
	set(&nc.Scopes, ch.Scopes)
	set(&nc.GrantTypes, ch.GrantTypes)
	set(&nc.SkipAuthorization, ch.SkipAuthorization)
	set(&nc.PKCE, ch.PKCE)
	set(&nc.AllowPlainPKCE, ch.AllowPlainPKCE)
	set(&nc.Profile, ch.Profile)
	set(&nc.RefusedQuirks, ch.RefusedQuirks)
	set(&nc.AllowedRoles, ch.AllowedRoles)
	if ch.RefreshRotation != nil {
		nc.RefreshRotation = ch.RefreshRotation
	}
}

// checkChange validates an updated client and puts its lists in their stored form (quirks in
// the documented order, roles without repeats).
func checkChange(nc *NewClient) error {
	if len(nc.Scopes) == 0 {
		return invalid("a client needs at least one scope")
	}
	p, ok := profileNamed(nc.Profile)
	if !ok {
		return invalid("unknown profile %q (want %s)", nc.Profile, strings.Join(ProfileNames(), ", "))
	}
	nc.Profile = p.Name
	if err := validateClient(nc); err != nil {
		return err
	}
	refused, err := ParseQuirks(nc.RefusedQuirks)
	if err != nil {
		return err
	}
	nc.RefusedQuirks = refused.Names()
	nc.AllowedRoles, err = editRoles(nil, UserChange{AddRoles: nc.AllowedRoles})
	return err
}

// applyTo sets what an update may change on the stored client c; checkChange came first.
func (nc *NewClient) applyTo(c *models.Client) {
	c.Name, c.RedirectURIs, c.DefaultRedirectURI = nc.Name, nc.RedirectURIs, nc.RedirectURIs[0]
	c.Scopes, c.GrantTypes, c.SkipAuthorization = ParseScope(JoinScope(nc.Scopes)), nc.GrantTypes, nc.SkipAuthorization
	c.PKCE, c.AllowPlainPKCE, c.RefreshRotation = nc.PKCE, nc.AllowPlainPKCE, *nc.RefreshRotation
	c.Profile, c.RefusedQuirks, c.AllowedRoles = nc.Profile, nc.RefusedQuirks, nc.AllowedRoles
}

// RevokeClientTokens revokes every token of a client and says how many were active.
func (e *Engine) RevokeClientTokens(ctx context.Context, id string) (int64, error) {
	if _, err := e.Client(ctx, id); err != nil {
		return 0, err
	}
	n, err := e.store.RevokeClientTokens(ctx, id, e.now().Unix())
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of client %q: %w", id, err)
	}
	e.revoked(ctx, Revocation{ClientID: id}) // every instance's cache forgets them
	return n, nil
}

// TokenQuery selects the live tokens of a user (by email) or of a client.
type TokenQuery struct {
	UserEmail string
	ClientID  string
	Limit     int // 0: DefaultUserPage
}

// Tokens lists live tokens, newest first. The tokens themselves are never stored, so a listing
// shows what they are for, not what they are.
func (e *Engine) Tokens(ctx context.Context, q TokenQuery) ([]models.Token, error) {
	f := models.TokenFilter{Live: true, Now: e.now().Unix(), Limit: q.Limit}
	if f.Limit <= 0 || f.Limit > MaxUserPage {
		f.Limit = DefaultUserPage
	}
	switch {
	case q.UserEmail != "":
		u, err := e.User(ctx, q.UserEmail)
		if err != nil {
			return nil, err
		}
		f.UserID = u.ID
	case q.ClientID != "":
		if _, err := e.Client(ctx, q.ClientID); err != nil {
			return nil, err
		}
		f.ClientID = q.ClientID
	default:
		return nil, invalid("list tokens by user or by client")
	}
	ts, err := e.store.ListTokens(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return ts, nil
}

// SetClientSecret gives a confidential client a secret chosen by the operator (a static client
// in the config file), instead of a generated one. Setting the secret it already has changes
// nothing.
func (e *Engine) SetClientSecret(ctx context.Context, id, secret string) error {
	c, err := e.Client(ctx, id)
	if err != nil {
		return err
	}
	if Public(c) {
		return invalid("client %q is public and has no secret", id)
	}
	if err := CheckClientSecret(secret); err != nil {
		return fmt.Errorf("client %q: %w", id, err)
	}
	if equal(Digest(secret), c.SecretHash) {
		return nil
	}
	if err := e.store.SetClientSecret(ctx, id, Digest(secret)); err != nil {
		return clientErr(id, err)
	}
	return nil
}
