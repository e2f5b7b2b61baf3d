package core

import (
	"context"
	"crypto/subtle"
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
// user must be asked, with a form carrying Confirm as its CSRF token and ClientID as its
// client_id. With Kept set the user declined and the session lives on. Otherwise the session is
// over. Target is the client's post_logout_redirect_uri with state ("" for the server's own
// signed-out page) in every case, so that the confirmation page may let its form lead there.
type EndSessionOutcome struct {
	Target    string
	Confirm   string
	ClientID  string // the client the request names, from client_id or the id_token_hint
	UserEmail string // whom the confirmation page asks
	Kept      bool
}

var errLogoutRedirect = fail(ErrInvalidRequest, ReasonRedirectMismatch,
	"post_logout_redirect_uri is not registered for this client.")

// EndSession ends the browser's session and says where to send it: the client's registered
// post_logout_redirect_uri with state, or "" for the server's own signed-out page. A redirect
// needs the client known (from id_token_hint, or client_id) and the URI registered for it,
// exactly; an id_token_hint must be one this server issued (expired is fine). Anyone can send a
// browser here, so a live session ends at once only when the id_token_hint names it (see
// idTokenHint.names): any other request, with another user's hint, an earlier session's, or
// none, ends it only once its user confirmed on the server's own page, whose form carries a CSRF
// token bound to the session and this request (the spec's defence against logout CSRF). With
// no live session nothing is asked.
func (e *Engine) EndSession(ctx context.Context, req EndSessionRequest) (EndSessionOutcome, error) {
	clientID, hint, err := e.logoutClient(ctx, req)
	if err != nil {
		return EndSessionOutcome{}, err
	}
	req.ClientID = clientID // the confirmation form carries the client the hint named
	target, err := e.logoutTarget(ctx, clientID, req)
	if err != nil {
		return EndSessionOutcome{}, err
	}
	out := EndSessionOutcome{Target: target, ClientID: clientID}
	if wait, err := e.askBeforeLogout(ctx, req, hint, &out); err != nil || wait {
		return out, err
	}
	if err := e.Logout(ctx, req.SessionID); err != nil {
		return EndSessionOutcome{}, err
	}
	return out, nil
}

// askBeforeLogout decides a logout with a live session that hint (nil: none) does not name:
// without a valid confirmation form, the user is to be asked (out.Confirm); a form answered
// otherwise than LogoutConfirmed keeps the session (out.Kept). wait reports either.
func (e *Engine) askBeforeLogout(ctx context.Context, req EndSessionRequest, hint *idTokenHint,
	out *EndSessionOutcome) (wait bool, err error) {
	s, err := e.CurrentSession(ctx, req.SessionID)
	if err != nil || s.User == nil || hint.names(s) {
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

// idTokenHint is what a verified id_token_hint says.
type idTokenHint struct {
	Aud, Sub, SID string
	// ServerSigned is false for an HS256 hint, signed with a client's secret: the client holds
	// that key, so it could have written any claim.
	ServerSigned bool
}

// names reports whether the hint names the signed-in session s: its sid is the session's and
// its sub the session user's. A hint without sid (issued before id_tokens carried one) names
// s by its sub alone, and only when the server signed it.
func (h *idTokenHint) names(s Session) bool {
	switch {
	case h == nil, subtle.ConstantTimeCompare([]byte(h.Sub), []byte(s.User.Subject)) != 1:
		return false
	case h.SID != "":
		return subtle.ConstantTimeCompare([]byte(h.SID), []byte(sessionSID(s.ID))) == 1
	}
	return h.ServerSigned
}

// logoutClient is the client a logout names: the id_token_hint's audience, or client_id. The
// hint is nil when there was none.
func (e *Engine) logoutClient(ctx context.Context, req EndSessionRequest) (string, *idTokenHint, error) {
	if req.IDTokenHint == "" {
		return req.ClientID, nil, nil
	}
	hint, err := e.verifyIDTokenHint(ctx, req.IDTokenHint, req.Issuer)
	if err != nil {
		return "", nil, err
	}
	if req.ClientID != "" && req.ClientID != hint.Aud {
		return "", nil, fail(ErrInvalidRequest, ReasonBadParameter, "client_id does not match id_token_hint.")
	}
	return hint.Aud, hint, nil
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
	if !slices.Contains(c.PostLogoutRedirectURIs, req.PostLogoutRedirectURI) {
		return "", errLogoutRedirect
	}
	if req.State == "" {
		return req.PostLogoutRedirectURI, nil
	}
	return AppendQuery(req.PostLogoutRedirectURI, url.Values{"state": {req.State}}), nil
}

var errBadHint = fail(ErrInvalidRequest, ReasonBadParameter, "id_token_hint is not an id_token issued here.")

// verifyIDTokenHint checks the hint's signature (server key by kid, or an HS256 client's
// secret) and issuer, and returns its claims. Expiry is not checked: a logout commonly comes
// after the id_token expired.
func (e *Engine) verifyIDTokenHint(ctx context.Context, hint, issuer string) (*idTokenHint, error) {
	jws, err := jose.ParseSigned(hint, []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.HS256})
	if err != nil || len(jws.Signatures) != 1 {
		return nil, errBadHint
	}
	var claims struct {
		Iss string `json:"iss"`
		Aud string `json:"aud"`
		Sub string `json:"sub"`
		SID string `json:"sid"`
	}
	if json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims) != nil || claims.Aud == "" {
		return nil, errBadHint
	}
	header := jws.Signatures[0].Header
	key, err := e.hintKey(ctx, header, claims.Aud)
	if err != nil {
		return nil, err
	}
	payload, err := jws.Verify(key)
	if err != nil || json.Unmarshal(payload, &claims) != nil || claims.Iss != issuer {
		return nil, errBadHint
	}
	return &idTokenHint{Aud: claims.Aud, Sub: claims.Sub, SID: claims.SID,
		ServerSigned: header.Algorithm != string(jose.HS256)}, nil
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
