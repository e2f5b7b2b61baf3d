package core

import (
	"context"
)

// RevokeRequest is a revocation request (RFC 7009) from any dialect.
type RevokeRequest struct {
	// Credentials are the client's, when it sent any (see ClientCredentials.Presented).
	Credentials ClientCredentials
	Token       string
	// TokenTypeHint is accepted and not needed: the token is looked up whatever its kind.
	TokenTypeHint string
}

// Revocation and introspection settings (Options.RevocationAuth, Options.IntrospectionAuth).
const (
	// TokenAuthPossession: a caller naming no client answers for the token it presents
	// (revoke_without_client, introspect_without_client), unless the token's client refuses
	// that; a caller naming a client follows RFC 7009 and RFC 7662. The default.
	TokenAuthPossession = "possession"
	// TokenAuthClient (deprecated): every client refuses those two quirks.
	TokenAuthClient = "client"
)

// tokenAuthPolicies are the values of Options.RevocationAuth and IntrospectionAuth; AuthNone
// (deprecated) is Frappe's open introspection.
var tokenAuthPolicies = []string{TokenAuthPossession, TokenAuthClient, AuthNone}

// Revoke is the one revocation policy. A caller that names its client authenticates it (a
// public client by its client_id) and revokes only that client's tokens (RFC 7009 §2.1). A
// caller that names none revokes the token it presents, as Frappe and the Odoo module let
// it: holding the token is the proof (revoke_without_client, which the token's client may
// refuse). An unknown token, or another client's, is not an error (RFC 7009 §2.2), so the
// answer reveals nothing about tokens.
func (e *Engine) Revoke(ctx context.Context, req RevokeRequest) error {
	if !req.Credentials.Presented() {
		if e.opt.RevocationAuth == TokenAuthClient {
			return errClientAuth
		}
		if req.Token == "" {
			return errNoToken
		}
		return e.revokeHeld(ctx, req.Token)
	}
	client, err := e.AuthenticateClient(ctx, req.Credentials)
	if err != nil {
		return err
	}
	if req.Token == "" {
		return errNoToken
	}
	if err := e.revokeToken(ctx, req.Token, client.ID); err != nil {
		return err
	}
	return nil
}

var errNoToken = fail(ErrInvalidRequest, ReasonBadParameter, "Missing token parameter.")

// revokeHeld revokes a token for whoever presents it, unless its client refuses that.
func (e *Engine) revokeHeld(ctx context.Context, token string) error {
	t, err := e.tokenRow(ctx, token)
	if t == nil || err != nil {
		return err
	}
	if err := e.heldQuirks(t.ClientID, storedQuirks(t.ClientRefusedQuirks), QuirkRevokeWithoutClient); err != nil {
		return err
	}
	return e.revokeGrant(ctx, t.GrantID, e.now())
}
