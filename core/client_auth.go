package core

import (
	"context"
	"slices"

	"oauthd/models"
)

// Client authentication methods (RFC 7591 names).
const (
	AuthBasic = "client_secret_basic"
	AuthPost  = "client_secret_post"
	AuthNone  = "none"
)

// Grant types.
const (
	GrantAuthorizationCode = "authorization_code"
	GrantRefreshToken      = "refresh_token"
	GrantClientCredentials = "client_credentials"
)

// ClientCredentials is what a token request presented to identify its client.
type ClientCredentials struct {
	ID     string
	Secret string
	// Method says where the secret came from: AuthBasic for an HTTP Basic header, AuthPost for
	// the body, query or an OAuth header, AuthNone when no secret was sent.
	Method string
	// Problem, set by the dialect, is why the credentials as sent cannot be read (a malformed
	// Basic header, a secret sent two ways). Authentication reports it, in its turn.
	Problem *Error
}

// Presented reports whether the request identified a client at all: an id, a secret, or an
// HTTP Basic header (even one naming nobody, which must then fail).
func (cred ClientCredentials) Presented() bool {
	return cred.ID != "" || cred.Secret != "" || cred.Method == AuthBasic || cred.Problem != nil
}

// errClientAuth is the one answer to every failed client authentication, whether the client
// is unknown, used another method or sent a wrong secret: a distinct message for each would
// tell a caller which client ids exist and how they authenticate.
var errClientAuth = fail(ErrInvalidClient, ReasonClientAuthFailed, "Client authentication failed.")

// AuthenticateClient identifies the calling client. Confidential clients must present their
// secret by their registered method; public clients (method none) are identified by id alone.
func (e *Engine) AuthenticateClient(ctx context.Context, cred ClientCredentials) (*models.Client, error) {
	if err := credentialsReadable(cred); err != nil {
		return nil, err
	}
	c, err := e.store.ClientByID(ctx, cred.ID)
	return e.authenticated(ctx, c, err, cred)
}

// authenticated is the client a read of the presented client id found (c, err) once the
// credentials authenticate it.
func (e *Engine) authenticated(ctx context.Context, c *models.Client, err error, cred ClientCredentials) (*models.Client, error) {
	if c, err = e.knownClient(ctx, c, err); err != nil {
		return nil, err
	}
	if !secretChecks(c, cred) {
		return nil, errClientAuth
	}
	return c, nil
}

// presentedClient reads the client the credentials name, without checking its secret.
func (e *Engine) presentedClient(ctx context.Context, cred ClientCredentials) (*models.Client, error) {
	if err := credentialsReadable(cred); err != nil {
		return nil, err
	}
	c, err := e.store.ClientByID(ctx, cred.ID)
	return e.knownClient(ctx, c, err)
}

// credentialsReadable reports why the credentials as sent name no client, nil when they do.
func credentialsReadable(cred ClientCredentials) *Error {
	if cred.Problem != nil {
		return cred.Problem
	}
	if cred.ID == "" {
		return fail(ErrInvalidClient, ReasonClientUnknown, "Missing client_id parameter.")
	}
	return nil
}

// knownClient is the client a read of the presented client id found (c, err), if this server
// still knows it; its secret is not checked.
func (e *Engine) knownClient(ctx context.Context, c *models.Client, err error) (*models.Client, error) {
	if err := lookup(err, fail(ErrInvalidClient, ReasonClientUnknown, errClientAuth.Description)); err != nil {
		return nil, err
	}
	noteClient(ctx, c.ID)
	if c.MetadataDocument && e.opt.Documents == nil {
		return nil, errClientAuth // known by a document, which this server no longer reads
	}
	return c, nil
}

// secretChecks reports whether the credentials authenticate c: a public client has no secret
// to check (one sent anyway proves nothing); a confidential one must send its own by one of
// its methods.
func secretChecks(c *models.Client, cred ClientCredentials) bool {
	if Public(c) {
		return true
	}
	return cred.Method != AuthNone && cred.Secret != "" && slices.Contains(AuthMethods(c), cred.Method) &&
		equal(Digest(cred.Secret), c.SecretHash)
}

// withoutSecret says whether the credentials sent no secret at all: the only way a
// confidential client may use no_client_auth. A wrong secret is never a quirk.
func withoutSecret(cred ClientCredentials) bool {
	return cred.Secret == "" && cred.Method == AuthNone
}

// allows reports whether the client may use a grant type.
func allows(c *models.Client, grant string) bool {
	for _, g := range c.GrantTypes {
		if g == grant {
			return true
		}
	}
	return false
}

// AuthMethods is the set of authentication methods a client accepts.
func AuthMethods(c *models.Client) []string { return c.AuthMethods }

// Public reports whether the client is public (no secret).
func Public(c *models.Client) bool { return slices.Contains(AuthMethods(c), AuthNone) }

// SupportedAuthMethods are the methods a client may be registered with, as metadata lists them.
func SupportedAuthMethods() []string { return []string{AuthBasic, AuthPost, AuthNone} }

// authMethodSet validates and orders a requested set of methods. An empty request is the
// default: a confidential client accepts both ways of sending its secret, since a migrated
// client's software may use either (openid-client always sends Basic, the Odoo module's own
// clients the body). none excludes the others: a public client has no secret to send.
func authMethodSet(requested []string) ([]string, error) {
	if len(requested) == 0 {
		return []string{AuthBasic, AuthPost}, nil
	}
	var set []string
	for _, m := range SupportedAuthMethods() {
		if slices.Contains(requested, m) {
			set = append(set, m)
		}
	}
	for _, m := range requested {
		if !slices.Contains(set, m) {
			return nil, invalid("unknown auth method %q", m)
		}
	}
	if slices.Contains(set, AuthNone) && len(set) > 1 {
		return nil, invalid("auth method none cannot be combined with a secret method")
	}
	return set, nil
}
