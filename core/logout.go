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
	// Decision and CSRFToken come from the confirmation form (see EndSession): the user's
	// answer (LogoutConfirmed signs out; anything else stays) and the token the form carried.
	Decision  string
	CSRFToken string
}

// LogoutConfirmed is the confirmation form's answer that signs out.
const LogoutConfirmed = "logout"

// EndSessionOutcome is what EndSession decided. With Confirm set nothing happened yet: the
// user must be asked, with a form carrying Confirm as its CSRF token. With Kept set the user
// declined and the session lives on. Otherwise the session is over. Target is the client's
// post_logout_redirect_uri with state ("" for the server's own signed-out page) in every case,
// so that the confirmation page may let its form lead there.
type EndSessionOutcome struct {
	Target    string
	Confirm   string
	UserEmail string // whom the confirmation page asks
	Kept      bool
}

var errLogoutRedirect = fail(ErrInvalidRequest, ReasonRedirectMismatch,
	"post_logout_redirect_uri is not registered for this client.")

// EndSession ends the browser's session and says where to send it: the client's registered
// post_logout_redirect_uri with state, or "" for the server's own signed-out page. A redirect
// needs the client known (from id_token_hint, or client_id) and the URI registered for it,
// exactly; an id_token_hint must be one this server issued (expired is fine). Without a hint
// anyone could send a browser here, so a live session ends only once its user confirmed on the
// server's own page, whose form carries a CSRF token bound to the session and this request
// (the spec's defence against logout CSRF); a request carrying a valid hint, or made with no
// live session, needs no confirmation.
func (e *Engine) EndSession(ctx context.Context, req EndSessionRequest) (EndSessionOutcome, error) {
	clientID, hinted, err := e.logoutClient(ctx, req)
	if err != nil {
		return EndSessionOutcome{}, err
	}
	target, err := e.logoutTarget(ctx, clientID, req)
	if err != nil {
		return EndSessionOutcome{}, err
	}
	out := EndSessionOutcome{Target: target}
	if !hinted {
		if wait, err := e.askBeforeLogout(ctx, req, &out); err != nil || wait {
			return out, err
		}
	}
	if err := e.Logout(ctx, req.SessionID); err != nil {
		return EndSessionOutcome{}, err
	}
	return out, nil
}

// askBeforeLogout decides a logout no id_token_hint vouches for: with a live session and no
// valid confirmation form, the user is to be asked (out.Confirm); a form answered otherwise
// than LogoutConfirmed keeps the session (out.Kept). wait reports either.
func (e *Engine) askBeforeLogout(ctx context.Context, req EndSessionRequest, out *EndSessionOutcome) (wait bool, err error) {
	s, err := e.CurrentSession(ctx, req.SessionID)
	if err != nil || s.User == nil {
		return false, err
	}
	if !CheckFormToken(req.SessionID, logoutForm(req), req.CSRFToken) {
		out.Confirm, out.UserEmail = FormToken(req.SessionID, logoutForm(req)...), s.User.Email
		return true, nil
	}
	out.Kept = req.Decision != LogoutConfirmed
	return out.Kept, nil
}

// logoutForm is what the confirmation form's CSRF token covers: the request it confirms.
func logoutForm(req EndSessionRequest) []string {
	return []string{"oauthd logout csrf v1", req.ClientID, req.PostLogoutRedirectURI, req.State}
}

// logoutClient is the client a logout names: the id_token_hint's audience (hinted), or
// client_id.
func (e *Engine) logoutClient(ctx context.Context, req EndSessionRequest) (clientID string, hinted bool, err error) {
	if req.IDTokenHint == "" {
		return req.ClientID, false, nil
	}
	aud, err := e.verifyIDTokenHint(ctx, req.IDTokenHint, req.Issuer)
	if err != nil {
		return "", false, err
	}
	if req.ClientID != "" && req.ClientID != aud {
		return "", false, fail(ErrInvalidRequest, ReasonBadParameter, "client_id does not match id_token_hint.")
	}
	return aud, true, nil
}

// logoutTarget checks post_logout_redirect_uri against the client's registered ones and adds
// state; "" when none was asked for.
func (e *Engine) logoutTarget(ctx context.Context, clientID string, req EndSessionRequest) (string, error) {
	if req.PostLogoutRedirectURI == "" {
		return "", nil
	}
	if clientID == "" {
		return "", fail(ErrInvalidRequest, ReasonBadParameter, "post_logout_redirect_uri needs id_token_hint or client_id.")
	}
	c, err := e.store.ClientByID(ctx, clientID)
	if err := lookup(err, errLogoutRedirect); err != nil {
		return "", err
	}
	if !slices.Contains(SplitRedirectURIs(c.PostLogoutRedirectURIs), req.PostLogoutRedirectURI) {
		return "", errLogoutRedirect
	}
	if req.State == "" {
		return req.PostLogoutRedirectURI, nil
	}
	return AppendQuery(req.PostLogoutRedirectURI, url.Values{"state": {req.State}}), nil
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
