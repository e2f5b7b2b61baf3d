package core

import (
	"context"

	"oauthd/models"
)

// errPasswordGrant refuses the password grant's user credentials: invalid_grant (RFC 6749
// §5.2), in the words of Frappe's login.
var errPasswordGrant = fail(ErrInvalidGrant, ReasonLoginFailed, "Invalid login credentials")

// PasswordGrant is Frappe's resource owner password grant, for clients of profile frappe-v15
// given the password grant type (Token has decided that much). The user's credentials go
// through the core's login, under the same limits and with the same timing defence as a
// browser login; the token pair is then issued as for a code, without an id_token (Frappe
// gave none for this grant).
func (e *Engine) PasswordGrant(ctx context.Context, c *models.Client, req *TokenRequest) (*TokenResult, error) {
	if err := checkAccessTTL(req.AccessTTL); err != nil {
		return nil, err
	}
	for _, p := range [][2]string{{"username", req.Username}, {"password", req.Password}} {
		if p[1] == "" {
			return nil, fail(ErrInvalidRequest, ReasonBadParameter, "Missing "+p[0]+" parameter.")
		}
	}
	scopes, serr := narrowScope(c.Scopes, req.Scope, req.ScopePolicy, false)
	if serr != nil {
		return nil, serr
	}
	u, err := e.authenticateUser(ctx, LoginAttempt{Email: req.Username, Password: req.Password, Address: req.Address})
	if err != nil {
		if AsError(err).Reason == ReasonLoginFailed {
			return nil, errPasswordGrant
		}
		return nil, err
	}
	now := e.now()
	scope := JoinScope(scopes)
	is := e.newIssue(now, Digest(NewToken()), c.ID, u.ID, scope, scope, req.AccessTTL, allows(c, GrantRefreshToken))
	for _, t := range is.rows() {
		if err := e.createForClient(ctx, t); err != nil {
			return nil, err
		}
	}
	return is.result(now, req.AccessTTL), nil
}
