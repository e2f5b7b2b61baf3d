package core

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// EndSessionRequest is an RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0).
type EndSessionRequest struct {
	SessionID             string // the browser's session, "" when none
	IDTokenHint           string
	ClientID              string
	PostLogoutRedirectURI string
	State                 string
	Issuer                string
}

var errLogoutRedirect = fail(ErrInvalidRequest, ReasonRedirectMismatch,
	"post_logout_redirect_uri is not registered for this client.")

// EndSession ends the browser's session and returns where to send it: the client's registered
// post_logout_redirect_uri with state, or "" for the server's own signed-out page. A redirect
// needs the client known (from id_token_hint, or client_id) and the URI registered for it,
// exactly; an id_token_hint must be one this server issued (expired is fine).
func (e *Engine) EndSession(ctx context.Context, req EndSessionRequest) (string, error) {
	clientID := req.ClientID
	if req.IDTokenHint != "" {
		aud, err := e.verifyIDTokenHint(ctx, req.IDTokenHint, req.Issuer)
		if err != nil {
			return "", err
		}
		if clientID != "" && clientID != aud {
			return "", fail(ErrInvalidRequest, ReasonBadParameter, "client_id does not match id_token_hint.")
		}
		clientID = aud
	}
	target := ""
	if req.PostLogoutRedirectURI != "" {
		if clientID == "" {
			return "", fail(ErrInvalidRequest, ReasonBadParameter,
				"post_logout_redirect_uri needs id_token_hint or client_id.")
		}
		c, err := e.store.ClientByID(ctx, clientID)
		if err := lookup(err, errLogoutRedirect); err != nil {
			return "", err
		}
		if !slices.Contains(SplitRedirectURIs(c.PostLogoutRedirectURIs), req.PostLogoutRedirectURI) {
			return "", errLogoutRedirect
		}
		target = req.PostLogoutRedirectURI
		if req.State != "" {
			target = AppendQuery(target, url.Values{"state": {req.State}})
		}
	}
	if err := e.Logout(ctx, req.SessionID); err != nil {
		return "", err
	}
	return target, nil
}

var errBadHint = fail(ErrInvalidRequest, ReasonBadParameter, "id_token_hint is not an id_token issued here.")

// verifyIDTokenHint checks the hint's signature (server key by kid, or an HS256 client's
// secret) and issuer, and returns its audience. Expiry is not checked: a logout commonly
// comes after the id_token expired.
func (e *Engine) verifyIDTokenHint(ctx context.Context, hint, issuer string) (string, error) {
	jws, err := jose.ParseSigned(hint, []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.HS256})
	if err != nil || len(jws.Signatures) != 1 {
		return "", errBadHint
	}
	var claims struct {
		Iss string `json:"iss"`
		Aud string `json:"aud"`
	}
	if json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims) != nil || claims.Aud == "" {
		return "", errBadHint
	}
	key, err := e.hintKey(ctx, jws.Signatures[0].Header, claims.Aud)
	if err != nil {
		return "", err
	}
	payload, err := jws.Verify(key)
	if err != nil || json.Unmarshal(payload, &claims) != nil || claims.Iss != issuer {
		return "", errBadHint
	}
	return claims.Aud, nil
}

// hintKey finds the key an id_token_hint must verify with.
func (e *Engine) hintKey(ctx context.Context, h jose.Header, aud string) (any, error) {
	if h.Algorithm == string(jose.HS256) {
		c, err := e.store.ClientByID(ctx, aud)
		if err := lookup(err, errBadHint); err != nil {
			return nil, err
		}
		if c.IDTokenAlg != AlgHS256 {
			return nil, errBadHint
		}
		secret, err := e.clientSecret(c)
		if err != nil {
			return nil, unavailable(err)
		}
		return secret, nil
	}
	keys, err := e.store.SigningKeys(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	for _, k := range keys {
		if k.ID == h.KeyID && strings.EqualFold(k.Alg, h.Algorithm) {
			var jwk jose.JSONWebKey
			if err := json.Unmarshal([]byte(k.PublicJWK), &jwk); err != nil {
				return nil, unavailable(err)
			}
			return jwk, nil
		}
	}
	return nil, errBadHint
}
