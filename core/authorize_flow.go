package core

import (
	"context"
	"slices"

	"oauthd/models"
)

// OutcomeKind is what a browser authorization step ends in; each dialect only renders it.
type OutcomeKind int

// Outcomes of AuthorizeFlow and Decide.
const (
	// OutcomeLogin: nobody is logged in; send the browser to the login page and back.
	OutcomeLogin OutcomeKind = iota + 1
	// OutcomeConsent: ask the user (Outcome.Authorization says what for).
	OutcomeConsent
	// OutcomeCode: redirect to Outcome.Redirect, which carries the code and the state.
	OutcomeCode
	// OutcomeToken: response_type=token (implicit_grant): redirect to Outcome.Redirect,
	// whose fragment carries the access token (Outcome.Token) and the state.
	OutcomeToken
	// OutcomeFail: Outcome.Err. When Outcome.Redirect is set the client and redirect_uri were
	// verified and the error goes there; otherwise it is shown here (RFC 6749 §4.1.2.1).
	OutcomeFail
)

// Outcome is the result of one step of the browser authorization flow.
type Outcome struct {
	Kind OutcomeKind
	// Authorization is the validated request (nil for Login, and for failures before the client
	// and redirect_uri were verified).
	Authorization *Authorization
	Code          string       // OutcomeCode: the authorization code itself
	Token         *TokenResult // OutcomeToken: the access token
	Redirect      string       // OutcomeCode, OutcomeToken, and OutcomeFail when redirectable
	Err           *Error       // OutcomeFail
}

// AuthorizeFlow is one visit of a browser to the authorization endpoint, in the order of
// node-oidc-provider's authorization actions: a session is required (a fresh enough one for
// prompt=login and max_age), then the request is validated once, then consent is looked up,
// then a code is issued when no question is left. With prompt=none a question the user would
// have to answer is an error at the redirect URI instead: login_required, consent_required.
//
// The legacy behaviours the request used are counted here, once per visit (Decide validates
// the same request again and counts nothing).
func (e *Engine) AuthorizeFlow(ctx context.Context, req AuthorizeRequest, s Session) Outcome {
	if e.LoginNeeded(req, s.User, s.LoginAt) {
		return e.loginOutcome(ctx, req)
	}
	a, err := e.authorizeCounted(ctx, req)
	if err == nil {
		err = roleAllowed(a.Client, s.User)
	}
	if err != nil {
		return failed(a, err)
	}
	need, err := e.NeedsConsent(ctx, a, s.User)
	if err != nil {
		return failed(a, err)
	}
	if need && a.Prompt.None {
		return failed(a, ConsentRequired())
	}
	if need {
		return Outcome{Kind: OutcomeConsent, Authorization: a}
	}
	return e.issue(ctx, a, s)
}

// Decision is the consent form's answer as the approve endpoint received it.
type Decision struct {
	Request   AuthorizeRequest // the request the form carried, validated again here
	Session   Session
	CSRFToken string
	Allow     bool
}

var (
	errLoginRequired = fail(ErrAccessDenied, ReasonLoginRequired, "Login required.")
	errCSRF          = fail(ErrInvalidRequest, ReasonCSRF, "Invalid or missing CSRF token.")
	errDenied        = redirectable(ErrAccessDenied, ReasonAccessDenied, "The user denied the request.")
)

// Decide applies a consent decision. It checks the session, then the CSRF token made for that
// session and this very request, then validates the carried request again (the form's fields are the browser's to
// change), and issues a code on "allow" or sends access_denied otherwise.
func (e *Engine) Decide(ctx context.Context, d Decision) Outcome {
	switch {
	case d.Session.User == nil:
		return Outcome{Kind: OutcomeFail, Err: errLoginRequired}
	case !CheckCSRF(d.Session.ID, d.Request, d.CSRFToken):
		return Outcome{Kind: OutcomeFail, Err: errCSRF}
	}
	a, err := e.Authorize(ctx, d.Request)
	if err == nil {
		err = roleAllowed(a.Client, d.Session.User)
	}
	if err != nil {
		return failed(a, err)
	}
	if !d.Allow {
		return failed(a, errDenied)
	}
	return e.issue(ctx, a, d.Session)
}

// loginOutcome is where a request that needs a (new) login goes: the login page, or for
// prompt=none login_required at the verified redirect URI.
func (e *Engine) loginOutcome(ctx context.Context, req AuthorizeRequest) Outcome {
	if !PromptNone(req) {
		return Outcome{Kind: OutcomeLogin}
	}
	a, err := e.authorizeCounted(ctx, req)
	if err != nil {
		return failed(a, err)
	}
	return failed(a, LoginRequired())
}

// authorizeCounted is Authorize for a visit of the authorization endpoint, which counts the
// legacy behaviours the request used.
func (e *Engine) authorizeCounted(ctx context.Context, req AuthorizeRequest) (*Authorization, error) {
	a, err := e.Authorize(ctx, req)
	if a != nil {
		e.noteQuirks(a.Client.ID, a.Quirks, a.refused)
	}
	return a, err
}

// errRoleNotAllowed is Frappe's answer to a user without one of the client's allowed roles:
// oauthlib's for an invalid client_id, never redirected.
var errRoleNotAllowed = fail(ErrInvalidRequest, ReasonRoleNotAllowed, "Invalid client_id parameter value.")

// roleAllowed checks the client's allowed roles (Frappe's "Allowed Roles"): a user needs one
// of them; every user holds Frappe's automatic All and Guest.
func roleAllowed(c *models.Client, u *models.User) error {
	allowed := c.AllowedRoles
	if len(allowed) == 0 {
		return nil
	}
	for _, r := range userRoles(u.Roles) {
		if slices.Contains(allowed, r) {
			return nil
		}
	}
	return errRoleNotAllowed
}

// issue approves a for the session's user and leads to the code, which carries the session's
// login time and sid to the id_token; or, for response_type=token, to the access token.
func (e *Engine) issue(ctx context.Context, a *Authorization, s Session) Outcome {
	if a.Implicit {
		return e.issueImplicit(ctx, a, s)
	}
	a.AuthTime, a.SessionSID = s.LoginAt, sessionSID(s.ID)
	code, err := e.Approve(ctx, a, s.User)
	if err != nil {
		return failed(a, err)
	}
	return Outcome{Kind: OutcomeCode, Authorization: a, Code: code, Redirect: a.CodeRedirect(code)}
}

// failed is the outcome of an error; only a redirectable one after a verified redirect_uri
// gets a Redirect.
func failed(a *Authorization, err error) Outcome {
	e := AsError(err)
	o := Outcome{Kind: OutcomeFail, Authorization: a, Err: e}
	if e.Redirectable && a != nil {
		o.Redirect = a.ErrorRedirect(e)
	}
	return o
}
