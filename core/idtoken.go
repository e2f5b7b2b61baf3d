package core

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/go-jose/go-jose/v4"

	"oauthd/models"
)

// idTokenGrant is what an id_token is minted from: the grant's client, user, scope and
// login, and the access token issued beside it.
type idTokenGrant struct {
	client      *models.Client
	userID      uint
	user        *Principal // the user when already read (a refresh has it); nil: read by userID
	scope       string
	nonce       string
	authTime    int64
	sid         string // the login's session; "" for grants older than the claim
	accessToken string
	issuer      string
	ttl         time.Duration
	// asked: the authorization request behind the grant asked for openid. A client whose
	// default scope merely holds it gets none: a plain OAuth client (openid-client's
	// oauthCallback) refuses a token response with an id_token it did not ask for.
	asked bool
}

// withIDToken adds an id_token to a token result when openid was asked for and granted.
func (e *Engine) withIDToken(ctx context.Context, res *TokenResult, g idTokenGrant) error {
	if !g.asked || !covers(ParseScope(g.scope), []string{"openid"}) {
		return nil
	}
	tok, err := e.mintIDToken(ctx, g)
	if err != nil {
		return unavailable(fmt.Errorf("id_token: %w", err))
	}
	res.IDToken = tok
	return nil
}

// mintIDToken signs the OpenID Connect Core §2 claims plus the profile claims the scope
// releases, with the server's key or, for an HS256 client, with its secret as Frappe does.
func (e *Engine) mintIDToken(ctx context.Context, g idTokenGrant) (string, error) {
	user := g.user
	if user == nil {
		u, err := e.store.UserByID(ctx, g.userID)
		if err != nil {
			return "", err
		}
		user = userPrincipal(u)
	}
	now := e.now()
	claims := profileClaims(claims(user, g.issuer), ParseScope(g.scope))
	maps.Copy(claims, map[string]any{"iss": g.issuer, "sub": user.Subject, "aud": g.client.ID, "azp": g.client.ID,
		"iat": now.Unix(), "exp": now.Add(g.ttl).Unix(), "at_hash": atHash(g.accessToken)})
	if g.authTime != 0 {
		claims["auth_time"] = g.authTime
	}
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	if g.sid != "" {
		claims["sid"] = g.sid
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signer, err := e.idTokenSigner(ctx, g.client)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// idTokenSigner is the client's HS256 signer or the server's key. An HS256 client that was
// refused hs256_id_token gets the server's key.
func (e *Engine) idTokenSigner(ctx context.Context, c *models.Client) (jose.Signer, error) {
	if c.IDTokenAlg != AlgHS256 {
		return e.signer(ctx)
	}
	refused := QuirkHS256IDToken &^ AllowedQuirks(c)
	e.noteQuirks(c.ID, QuirkHS256IDToken, refused)
	if refused != 0 {
		return e.signer(ctx)
	}
	secret, err := e.clientSecret(c)
	if err != nil {
		return nil, err
	}
	// Frappe (oauthlib + PyJWT) writes typ "jwt" in lower case; its clients do not care, but
	// keeping it makes our tokens byte-for-byte the same shape.
	return jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: secret}, (&jose.SignerOptions{}).WithType("jwt"))
}

// clientSecret opens an HS256 client's sealed secret.
func (e *Engine) clientSecret(c *models.Client) ([]byte, error) {
	if e.opt.OIDC.Sealer == nil {
		return nil, ErrNoSealer
	}
	if c.SecretSealed == "" {
		return nil, fmt.Errorf("client %q has no readable secret for HS256", c.ID)
	}
	return e.opt.OIDC.Sealer.Open(c.SecretSealed, sealedSecretLabel(c.ID))
}

func sealedSecretLabel(clientID string) string { return "client-secret:" + clientID }

// profileClaims filters the userinfo claims by the standard scopes: with profile and/or email
// requested, only what they release; without either (Frappe's "all openid"), all of them.
func profileClaims(all map[string]any, scopes []string) map[string]any {
	profile, email := covers(scopes, []string{"profile"}), covers(scopes, []string{"email"})
	out := map[string]any{}
	for k, v := range all {
		switch {
		case k == "iss" || k == "sub":
		case !profile && !email:
			out[k] = v
		case k == "email" && email, k != "email" && profile:
			out[k] = v
		}
	}
	return out
}

// atHash is OpenID Connect's at_hash for the SHA-256 algorithms: the left half of the access
// token's digest, base64url.
func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// userPrincipal describes a user the way a bearer token's principal does, for Claims.
func userPrincipal(u *models.User) *Principal {
	p := principal(&models.TokenOwner{Token: models.Token{UserID: u.ID}, Email: u.Email, FullName: u.FullName,
		FirstName: u.FirstName, LastName: u.LastName, Roles: u.Roles, Subject: u.Subject})
	return p
}
