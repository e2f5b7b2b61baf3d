package core

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"oauthd/models"
)

// NewUser describes a user to create. FirstName and LastName, when both absent, are derived
// from FullName; FullName, when absent, is made of them (or of the email's local part).
type NewUser struct {
	Email     string
	Password  string
	FullName  string
	FirstName string
	LastName  string
	Roles     []string
}

// CreateUser validates and stores a user with a bcrypt password hash.
func (e *Engine) CreateUser(ctx context.Context, nu NewUser) (*models.User, error) {
	nu.Email = NormalizeEmail(nu.Email) // SQLite compares case-sensitively, MySQL not: normalise
	addr, err := mail.ParseAddress(nu.Email)
	if err != nil || addr.Address != nu.Email {
		return nil, invalid("invalid email %q", nu.Email)
	}
	if len(nu.FullName) > 255 || len(nu.FirstName) > 140 || len(nu.LastName) > 140 {
		return nil, invalid("names must be at most 255 (full) and 140 (first, last) bytes long")
	}
	if err := validPassword(nu.Password); err != nil {
		return nil, err
	}
	nu.FullName, nu.FirstName, nu.LastName = userNames(nu.Email, nu.FullName, nu.FirstName, nu.LastName)
	if err := validNames(nu.FullName, nu.FirstName, nu.LastName); err != nil {
		return nil, err
	}
	roles, err := editRoles(nil, UserChange{AddRoles: nu.Roles})
	if err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(nu.Password), e.opt.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	u := &models.User{Email: nu.Email, FullName: nu.FullName, FirstName: nu.FirstName, LastName: nu.LastName,
		PasswordHash: string(hash), Enabled: true, Roles: roles, Subject: NewToken(), CreatedAt: e.now().Unix()}
	if err := e.store.CreateUser(ctx, u); err != nil {
		if errors.Is(err, models.ErrConflict) {
			return nil, invalid("a user with email %q already exists", nu.Email)
		}
		return nil, err
	}
	return u, nil
}

// MaxClientIDLength is the longest client id: the size of the client_id columns of clients,
// codes, tokens and consents.
const MaxClientIDLength = 191

// NewClient describes a client to register.
type NewClient struct {
	ID                string // empty: chosen by the server; set it to keep a migrated client's id
	Name              string
	RedirectURIs      []string
	Scopes            []string
	AuthMethods       []string // empty: client_secret_basic and client_secret_post; or none alone
	GrantTypes        []string // empty: the profile's
	SkipAuthorization bool
	OwnerEmail        string
	PKCE              string   // required | optional; empty: the profile's (see Profile.presetPKCE)
	AllowPlainPKCE    bool     // or the profile's preset
	RefreshRotation   *bool    // nil: the profile's (on but for odoo; RFC 9700 §4.14.2)
	CORSOrigins       []string // browser origins ("https://app.example") allowed to call the token endpoints
	// IDTokenAlg "HS256" gives the client Frappe's id_token, signed with its secret, which is
	// then also kept sealed under keys.encryption_secret; "" uses the server's keys, unless
	// the profile presets HS256 for a confidential client.
	IDTokenAlg             string
	PostLogoutRedirectURIs []string
	SelfRegistered         bool       // created through dynamic registration (RFC 7591)
	Info                   ClientInfo // the client's pages and contacts, as it registered them
	// ApplicationType is web (the default) or native; registration and metadata documents
	// hold the redirect URIs to it, an operator's clients are not held to it.
	ApplicationType string
	// MetadataDocument: the client is known by its client ID metadata document (ID is its URL).
	MetadataDocument bool
	// Profile is the system the client came from (see Profile); empty: standard.
	Profile string
	// RefusedQuirks are legacy behaviours refused to this client from the start ("all": every one).
	RefusedQuirks []string
	// AllowedRoles, when set, restrict who may authorize the client to users holding one of them.
	AllowedRoles []string
}

// CreateClient validates and stores a client, returning it with its secret in clear (the only
// time the secret exists outside the client's hands; public clients get none).
func (e *Engine) CreateClient(ctx context.Context, nc NewClient) (*models.Client, string, error) {
	secret := ""
	if !slices.Contains(nc.AuthMethods, AuthNone) {
		secret = NewToken()
	}
	c, err := e.ClientRow(nc, secret)
	if err != nil {
		return nil, "", err
	}
	if nc.OwnerEmail != "" {
		owner, err := e.store.UserByEmail(ctx, NormalizeEmail(nc.OwnerEmail))
		if err != nil {
			if errors.Is(err, models.ErrNotFound) {
				return nil, "", invalid("owner %q: no such user", nc.OwnerEmail)
			}
			return nil, "", fmt.Errorf("owner %q: %w", nc.OwnerEmail, err)
		}
		c.OwnerID, c.OwnerEnabled = &owner.ID, owner.Enabled
	}
	origins, err := corsOrigins(nc.CORSOrigins)
	if err != nil {
		return nil, "", err
	}
	if err := e.store.CreateClient(ctx, c, origins...); err != nil {
		if errors.Is(err, models.ErrConflict) {
			return nil, "", invalid("a client with id %q already exists", c.ID)
		}
		return nil, "", err
	}
	return c, secret, nil
}

// ClientRow is the client nc describes, its defaults filled in and all of it validated, with
// the digest of secret (none for a public client) and, for an HS256 client, the secret
// sealed. Nothing is stored: CreateClient stores it, and the import writes it in its own
// transaction, so that both decide a client's settings here alone.
func (e *Engine) ClientRow(nc NewClient, secret string) (*models.Client, error) {
	if err := fillClientDefaults(&nc); err != nil {
		return nil, err
	}
	c := &models.Client{ID: nc.ID, Name: nc.Name, RedirectURIs: nc.RedirectURIs,
		DefaultRedirectURI: nc.RedirectURIs[0], Scopes: ParseScope(JoinScope(nc.Scopes)),
		AuthMethods: nc.AuthMethods, GrantTypes: nc.GrantTypes,
		SkipAuthorization: nc.SkipAuthorization, PKCE: nc.PKCE, AllowPlainPKCE: nc.AllowPlainPKCE,
		RefreshRotation: *nc.RefreshRotation, CreatedAt: e.now().Unix(), IDTokenAlg: nc.IDTokenAlg,
		SelfRegistered: nc.SelfRegistered, PostLogoutRedirectURIs: nc.PostLogoutRedirectURIs,
		ClientURI: nc.Info.ClientURI, LogoURI: nc.Info.LogoURI, TOSURI: nc.Info.TOSURI, PolicyURI: nc.Info.PolicyURI,
		Contacts: nc.Info.Contacts, ApplicationType: nc.ApplicationType,
		MetadataDocument: nc.MetadataDocument, Profile: nc.Profile}
	refused, err := ParseQuirks(nc.RefusedQuirks)
	if err != nil {
		return nil, err
	}
	c.RefusedQuirks = refused.Names()
	if c.AllowedRoles, err = editRoles(nil, UserChange{AddRoles: nc.AllowedRoles}); err != nil {
		return nil, err
	}
	if !Public(c) {
		c.SecretHash = Digest(secret)
	}
	if err := e.sealClientSecret(c, secret); err != nil {
		return nil, err
	}
	return c, nil
}

// fillClientDefaults is the one place client defaults are decided, from the client's profile;
// the CLI, the admin API, the configuration and the import pass only what their user gave.
func fillClientDefaults(nc *NewClient) error {
	if nc.ID == "" {
		nc.ID = NewToken()[:20]
	}
	methods, err := authMethodSet(nc.AuthMethods)
	if err != nil {
		return err
	}
	nc.AuthMethods = methods
	p, ok := profileNamed(nc.Profile)
	if !ok {
		return invalid("unknown profile %q (want %s)", nc.Profile, strings.Join(ProfileNames(), ", "))
	}
	nc.Profile = p.Name
	public := slices.Contains(nc.AuthMethods, AuthNone)
	if len(nc.Scopes) == 0 {
		nc.Scopes = slices.Clone(defaultClientScopes)
	}
	if len(nc.GrantTypes) == 0 {
		nc.GrantTypes = slices.Clone(p.GrantTypes)
	}
	if nc.PKCE == "" {
		nc.PKCE = p.presetPKCE(public)
	}
	nc.AllowPlainPKCE = nc.AllowPlainPKCE || p.Quirks&QuirkPlainPKCE != 0
	if nc.IDTokenAlg == "" && !public && p.Quirks&QuirkHS256IDToken != 0 {
		nc.IDTokenAlg = AlgHS256
	}
	if nc.RefreshRotation == nil { // a public client always rotates, whatever its profile (see validateClient)
		nc.RefreshRotation = new(p.RefreshRotation || public)
	}
	appType, aerr := checkApplicationType(nc.ApplicationType)
	if aerr != nil {
		return invalid("%s", aerr.Description)
	}
	nc.ApplicationType = appType
	return validateClient(nc)
}

func validateClient(nc *NewClient) error {
	switch {
	case strings.TrimSpace(nc.Name) == "":
		return invalid("client name must not be empty")
	case strings.ContainsRune(nc.Name, 0):
		return invalid("client name must not hold a NUL character")
	case len(nc.ID) > MaxClientIDLength || strings.ContainsAny(nc.ID, " \t\r\n\x00"):
		return invalid("invalid client id %q", nc.ID)
	case len(nc.RedirectURIs) == 0:
		return invalid("at least one redirect URI is required")
	case nc.PKCE != "required" && nc.PKCE != "optional":
		return invalid("unknown PKCE policy %q (want required or optional)", nc.PKCE)
	case nc.RefreshRotation != nil && !*nc.RefreshRotation && slices.Contains(nc.AuthMethods, AuthNone):
		// A public client's refresh token is all it takes to act as the client: rotation is what
		// makes a stolen one detectable (RFC 9700 §4.14.2; MCP 2026-07-28 makes it a MUST).
		return invalid("a public client (auth method none) always rotates its refresh tokens: refresh rotation cannot be off")
	}
	for _, u := range nc.RedirectURIs {
		if !ValidRedirectURI(u) {
			return invalid("invalid redirect URI %q: it must be absolute, without fragment or user info", u)
		}
	}
	switch {
	case nc.IDTokenAlg != "" && nc.IDTokenAlg != AlgHS256:
		return invalid("unknown id_token algorithm %q (want HS256, or none for the server's keys)", nc.IDTokenAlg)
	case nc.IDTokenAlg == AlgHS256 && slices.Contains(nc.AuthMethods, AuthNone):
		return invalid("a public client has no secret to sign an HS256 id_token with")
	}
	for _, u := range nc.PostLogoutRedirectURIs {
		if !ValidRedirectURI(u) {
			return invalid("invalid post-logout redirect URI %q", u)
		}
	}
	return validGrantTypes(nc.GrantTypes, nc.Profile)
}

// RotateSecret gives a confidential client a new secret; the old one stops working at once.
func (e *Engine) RotateSecret(ctx context.Context, clientID string) (string, error) {
	c, err := e.store.ClientByID(ctx, clientID)
	if err != nil {
		return "", clientErr(clientID, err)
	}
	if Public(c) {
		return "", invalid("client %q is public and has no secret", clientID)
	}
	secret := NewToken()
	if err := e.sealClientSecret(c, secret); err != nil {
		return "", err
	}
	err = e.store.Tx(ctx, func(tx models.Store) error {
		if err := tx.SetClientSecret(ctx, clientID, Digest(secret)); err != nil {
			return err
		}
		if c.SecretSealed == "" {
			return nil
		}
		return tx.SetClientSealedSecret(ctx, clientID, c.SecretSealed)
	})
	if err != nil {
		return "", clientErr(clientID, err)
	}
	return secret, nil
}

// Clients lists every client.
func (e *Engine) Clients(ctx context.Context) ([]models.Client, error) {
	return e.store.ListClients(ctx)
}

// RemoveClient deletes a client with its codes, tokens and consents.
func (e *Engine) RemoveClient(ctx context.Context, clientID string) error {
	// Read first: the exact-match lookup keeps MySQL's case-insensitive collation from
	// deleting "APP" when asked for "app".
	if _, err := e.store.ClientByID(ctx, clientID); err != nil {
		return clientErr(clientID, err)
	}
	if err := e.store.DeleteClient(ctx, clientID); err != nil {
		return clientErr(clientID, err)
	}
	e.ledger.forget(clientID) // its ledger went with it; counts not yet written would bring it back
	e.revoked(ctx, Revocation{ClientID: clientID})
	return nil
}

func clientErr(clientID string, err error) error {
	if errors.Is(err, models.ErrNotFound) {
		return unknown("no client with id %q", clientID)
	}
	return fmt.Errorf("client %q: %w", clientID, err)
}

// UserByEmail looks a user up (for tools such as the demo setup).
func (e *Engine) UserByEmail(ctx context.Context, email string) (*models.User, error) {
	return e.store.UserByEmail(ctx, NormalizeEmail(email))
}

// ClientByID looks a client up (for tools and the consent page).
func (e *Engine) ClientByID(ctx context.Context, id string) (*models.Client, error) {
	return e.store.ClientByID(ctx, id)
}

// Purge deletes codes, sessions and tokens that expired or were revoked more than age ago.
// Keeping revoked tokens for a while is what lets a replayed, rotated refresh token be
// recognised (and its grant revoked) instead of being merely unknown.
func (e *Engine) Purge(ctx context.Context, age time.Duration) (models.Purged, error) {
	if age < 0 {
		return models.Purged{}, invalid("purge age must not be negative")
	}
	p, err := e.store.Purge(ctx, e.now().Add(-age).Unix())
	if err != nil {
		return p, fmt.Errorf("purge: %w", err)
	}
	return p, nil
}

// sealClientSecret keeps an HS256 client's secret readable (sealed), since its id_tokens are
// signed with it; every other client keeps only the digest.
func (e *Engine) sealClientSecret(c *models.Client, secret string) error {
	if c.IDTokenAlg != AlgHS256 {
		return nil
	}
	if e.opt.OIDC.Sealer == nil {
		return fmt.Errorf("HS256 client %q: %w", c.ID, ErrNoSealer)
	}
	c.SecretSealed = e.opt.OIDC.Sealer.Seal([]byte(secret), sealedSecretLabel(c.ID))
	return nil
}
