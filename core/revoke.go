package core

import (
	"context"

	"oauthd/models"
)

// RevokeRequest is a revocation request (RFC 7009) from any dialect.
type RevokeRequest struct {
	// Credentials are the client's, when it sent any (see ClientCredentials.Presented).
	Credentials ClientCredentials
	Token       string
	// TokenTypeHint is accepted and not needed: the token is looked up whatever its kind.
	TokenTypeHint string
}

// Revoke is the one revocation policy (RFC 7009 §2.1). The caller identifies its client:
// a confidential client authenticates, a public one sends its client_id; either revokes only
// its own tokens. Only with Options.RevocationAuth "none" (Frappe's behaviour) is a bare token
// revoked for whoever holds it, which lets anyone holding a leaked access token end the whole
// grant. An unknown token, or another client's, is not an error (RFC 7009 §2.2), so the answer
// reveals nothing about tokens.
func (e *Engine) Revoke(ctx context.Context, req RevokeRequest) error {
	var client *models.Client
	if !req.Credentials.Presented() && e.opt.RevocationAuth != AuthNone {
		return errClientAuth
	}
	if req.Credentials.Presented() {
		var err error
		if client, err = e.AuthenticateClient(ctx, req.Credentials); err != nil {
			return err
		}
	}
	if req.Token == "" {
		return fail(ErrInvalidRequest, ReasonBadParameter, "Missing token parameter.")
	}
	return e.revokeToken(ctx, req.Token, client)
}
