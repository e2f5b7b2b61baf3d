package core

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"time"

	"oauthd/models"
)

// AuthorizeRequest is an authorization request as the client sent it.
type AuthorizeRequest struct {
	ClientID            string
	RedirectURI         string
	ResponseType        string
	Scope               string
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
	Nonce               string
	Resource            string // RFC 8707 resource indicator
	Issuer              string // the issuer the request reached, the default resource
	Prompt              string // OpenID Connect prompt: none, login, consent
	MaxAge              string // OpenID Connect max_age, seconds
	LoginHint           string // prefills the login form
	// ScopePolicy is the dialect's choice for scopes beyond the client's (see ScopePolicy).
	ScopePolicy ScopePolicy
	// AccessTTL is the dialect's access token lifetime, for response_type=token.
	AccessTTL time.Duration
	// Quirks are the legacy behaviours the dialect saw (a client_secret in the URL, which is
	// ignored); the core decides whether the client may use them.
	Quirks Quirks
}

// Authorization is a validated authorization request, ready for consent and a code.
type Authorization struct {
	Client           *models.Client
	RedirectURI      string // the verified redirect URI (given, or the client's default)
	RedirectURIGiven bool
	Scopes           []string
	State            string
	CodeChallenge    string
	ChallengeMethod  string
	Nonce            string
	Resource         string // RFC 8707 resource indicator, as recorded on the grant
	Prompt           Prompt
	// Request is the request as sent, which the consent form carries to the approve step.
	Request AuthorizeRequest
	// AuthTime is when the user logged in and SessionSID which session that login opened,
	// set when a code is issued; the code carries them to the id_token's auth_time and sid.
	AuthTime   time.Time
	SessionSID string
	// OpenID: the request asked for openid, which alone earns an id_token at the exchange.
	OpenID bool
	// Implicit: response_type=token (implicit_grant), answered with an access token.
	Implicit bool
	// Quirks are the legacy behaviours the request used; refused, those of them refused.
	Quirks, refused Quirks
}

// Authorize validates an authorization request. Errors about the client or the redirect URI
// are never Redirectable (nothing may be sent to an unverified URI) and come with a nil
// Authorization. Later errors are Redirectable and come with the Authorization, whose
// ErrorRedirect is where to send them.
func (e *Engine) Authorize(ctx context.Context, req AuthorizeRequest) (*Authorization, error) {
	client, redirect, err := e.verifyClientRedirect(ctx, req)
	if err != nil {
		return nil, err
	}
	a := &Authorization{Client: client, RedirectURI: redirect, RedirectURIGiven: req.RedirectURI != "",
		State: req.State, CodeChallenge: req.CodeChallenge, Nonce: req.Nonce, Request: req,
		OpenID: slices.Contains(ParseScope(req.Scope), "openid")}
	if req.RedirectURI == "" {
		req.Quirks |= QuirkNoRedirectURI
	}
	if err := a.use(req.Quirks); err != nil { // shown here, never redirected: as the URI was not
		return a, err
	}
	if err := checkAuthorizeRules(a, req); err != nil {
		return a, err
	}
	resource, rerr := e.checkResource(req.Resource, req.Issuer)
	if rerr != nil {
		rerr.Redirectable = true
		return a, rerr
	}
	a.Resource = resource
	return a, nil
}

func (e *Engine) verifyClientRedirect(ctx context.Context, req AuthorizeRequest) (*models.Client, string, *Error) {
	if req.ClientID == "" {
		return nil, "", fail(ErrInvalidRequest, ReasonClientUnknown, "Missing client_id parameter.")
	}
	client, err := e.authorizeClient(ctx, req.ClientID)
	if err != nil {
		return nil, "", err
	}
	redirect, ok := matchRedirect(client.RedirectURIs, client.DefaultRedirectURI, req.RedirectURI)
	if !ok {
		return nil, "", fail(ErrInvalidRequest, ReasonRedirectMismatch, "Mismatching redirect URI.")
	}
	return client, redirect, nil
}

// MaxNonceLength is the longest nonce a code can carry: the size of its column, which MySQL
// would otherwise refuse at approval time, after the user consented.
const MaxNonceLength = 255

// checkAuthorizeRules applies the redirectable checks in RFC order.
func checkAuthorizeRules(a *Authorization, req AuthorizeRequest) *Error {
	switch {
	case req.ResponseType == "":
		return redirectable(ErrInvalidRequest, ReasonResponseType, "Missing response_type parameter.")
	case req.ResponseType == "token":
		if err := a.use(QuirkImplicitGrant); err != nil {
			return err // as for any response type this client may not use: in the query
		}
		a.Implicit = true // from here on errors, like the token, go in the fragment
	case req.ResponseType != "code":
		return redirectable(ErrUnsupportedResponseType, ReasonResponseType, "Only response_type=code is supported.")
	case !allows(a.Client, GrantAuthorizationCode):
		return redirectable(ErrUnauthorizedClient, ReasonGrantNotAllowed, "This client may not use the authorization code grant.")
	}
	if len(req.Nonce) > MaxNonceLength {
		return redirectable(ErrInvalidRequest, ReasonBadParameter, "nonce is too long.")
	}
	prompt, err := parsePrompt(req.Prompt)
	if err != nil {
		return err
	}
	a.Prompt = prompt
	if _, err := parseMaxAge(req.MaxAge); err != nil {
		return err
	}
	scopes, err := authorizeScopes(a.Client.Scopes, req.Scope, req.ScopePolicy)
	if err != nil {
		return err
	}
	a.Scopes = scopes
	if a.Implicit {
		return nil // no code: nothing for PKCE to bind
	}
	return checkPKCE(a, req)
}

// checkPKCE applies the PKCE rules: a challenge is checked whenever one is sent; plain, and a
// public client going without, are legacy behaviours the client may or may not use; a
// confidential client registered with PKCE required must send one.
func checkPKCE(a *Authorization, req AuthorizeRequest) *Error {
	method, err := checkChallenge(req.CodeChallenge, req.CodeChallengeMethod)
	switch {
	case err != nil:
		return err
	case method == PKCEPlain:
		err = a.use(QuirkPlainPKCE)
	case method == "" && Public(a.Client):
		err = a.use(QuirkNoPKCE)
	case method == "" && a.Client.PKCE == "required":
		err = redirectable(ErrInvalidRequest, ReasonPKCE, "code_challenge required (PKCE with S256).")
	}
	a.ChallengeMethod = method
	return err
}

// use adds legacy behaviours to those the request used and returns the refusal of the first
// the client may not use. The uses are counted once per authorization endpoint visit, by
// AuthorizeFlow.
func (a *Authorization) use(q Quirks) *Error {
	allowed := AllowedQuirks(a.Client)
	a.Quirks |= q
	a.refused |= q &^ allowed
	return refusal(q, allowed)
}

// openIDScopes may always be asked for with openid: the consent page names them and the
// id_token and userinfo carry their claims.
var openIDScopes = []string{"openid", "profile", "email"}

// authorizeScopes resolves the requested scope. An OpenID request (openid asked for, and the
// client may have it) may also ask for profile and email, and anything else the client may
// not have is dropped from the grant rather than refused (OpenID Connect Core §3.1.2.1: scope
// values not understood SHOULD be ignored); the token response says what was granted. Any
// other request follows the dialect's policy.
func authorizeScopes(allowed []string, requested string, policy ScopePolicy) ([]string, *Error) {
	want := ParseScope(requested)
	if !slices.Contains(want, "openid") || !slices.Contains(allowed, "openid") {
		return narrowScope(allowed, requested, policy, true)
	}
	for _, s := range openIDScopes {
		if !slices.Contains(allowed, s) {
			allowed = append(slices.Clone(allowed), s)
		}
	}
	return intersect(want, allowed), nil
}

// ErrorRedirect builds the redirect for a Redirectable error, keeping state.
func (a *Authorization) ErrorRedirect(err *Error) string {
	return a.response(url.Values{"error": {err.Code}, "error_description": {err.Description}})
}

// CodeRedirect is where an approval leads: the code and the original state.
func (a *Authorization) CodeRedirect(code string) string {
	return a.response(url.Values{"code": {code}})
}

// response is an authorization response at the verified redirect URI, success or error: the
// parameters, the original state, and the issuer (RFC 9207), which lets a client talking to
// several authorization servers tell which one answered (the mix-up attack). An implicit
// grant answers in the fragment (RFC 6749 §4.2.2), which browsers never send to a server.
func (a *Authorization) response(v url.Values) string {
	if a.State != "" {
		v.Set("state", a.State)
	}
	if a.Request.Issuer != "" {
		v.Set("iss", a.Request.Issuer)
	}
	if a.Implicit {
		return a.RedirectURI + "#" + v.Encode()
	}
	return AppendQuery(a.RedirectURI, v)
}

// NeedsConsent reports whether the user must be asked: always with prompt=consent and for a
// client known by its metadata document (anyone can publish one); never for a client marked
// skip_authorization or for the client's owner; with SkipAuthorization "auto", not when the
// user's remembered consent for this client (the last Approve, forgotten when a grant of the
// client is revoked) covers the requested scopes.
func (e *Engine) NeedsConsent(ctx context.Context, a *Authorization, user *models.User) (bool, error) {
	if a.Prompt.Consent || a.Client.MetadataDocument {
		return true, nil
	}
	if a.Client.SkipAuthorization || (a.Client.OwnerID != nil && *a.Client.OwnerID == user.ID) {
		return false, nil
	}
	if e.opt.SkipAuthorization != "auto" {
		return true, nil
	}
	scope, err := e.store.ConsentScope(ctx, user.ID, a.Client.ID)
	if errors.Is(err, models.ErrNotFound) {
		return true, nil
	} else if err != nil {
		return false, unavailable(err)
	}
	return !covers(ParseScope(scope), a.Scopes), nil
}

// Approve records the user's consent and issues an authorization code bound to the client,
// the user, the scopes, the redirect URI and the PKCE challenge.
func (e *Engine) Approve(ctx context.Context, a *Authorization, user *models.User) (string, error) {
	if a.Client.MetadataDocument {
		if err := e.saveDocumentClient(ctx, a.Client); err != nil {
			return "", err
		}
	}
	now := e.now()
	code := NewToken()
	row := &models.AuthorizationCode{
		ID: Digest(code), GrantID: Digest(NewToken()), ClientID: a.Client.ID, UserID: user.ID,
		Scope: JoinScope(a.Scopes), RedirectURI: a.RedirectURI, RedirectURIGiven: a.RedirectURIGiven,
		CodeChallenge: a.CodeChallenge, ChallengeMethod: a.ChallengeMethod, Nonce: a.Nonce,
		Resource: a.Resource, AuthTime: unixOrZero(a.AuthTime), SID: a.SessionSID, OpenID: a.OpenID,
		IssuedAt: now.Unix(), ExpiresAt: now.Add(e.opt.CodeTTL).Unix(),
	}
	err := e.store.Tx(ctx, func(tx models.Store) error {
		if err := remember(ctx, tx, user.ID, a.Client.ID, a.Scopes, now); err != nil {
			return err
		}
		if a.Client.SelfRegistered && a.Client.UsedAt == 0 { // registration reclaims clients never used
			if err := tx.MarkClientUsed(ctx, a.Client.ID, now.Unix()); err != nil {
				return err
			}
		}
		return tx.CreateCode(ctx, row)
	})
	if err != nil {
		return "", stored(err)
	}
	return code, nil
}

// remember adds scopes to the user's remembered consent for the client: a narrower request
// approved later does not shrink what the user agreed to before.
func remember(ctx context.Context, tx models.Store, userID uint, clientID string, scopes []string, now time.Time) error {
	prev, err := tx.ConsentScope(ctx, userID, clientID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	merged := ParseScope(prev + " " + JoinScope(scopes))
	return tx.SaveConsent(ctx, &models.Consent{UserID: userID, ClientID: clientID, Scope: JoinScope(merged),
		GrantedAt: now.Unix()})
}

// unixOrZero is t in Unix seconds, 0 for the zero time.
func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
