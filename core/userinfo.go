package core

import "context"

// UserInfo returns the claims an access token may read at a userinfo endpoint. Only a token
// granted the openid scope may read them (OpenID Connect Core §5.3); any other gets
// insufficient_scope. The names and roles are read here, as a bearer check leaves them out:
// one primary-key read per userinfo request, none on other API calls.
func (e *Engine) UserInfo(ctx context.Context, p *Principal, issuer string) (map[string]any, error) {
	if !p.HasScope("openid") {
		return nil, fail(ErrInsufficientScope, ReasonInsufficientScope, "The access token was not granted the openid scope.")
	}
	if !p.profiled {
		u, err := e.store.UserByID(ctx, p.UserID)
		if err := lookup(err, errTokenInvalid); err != nil { // the user was removed since the check
			return nil, err
		}
		full := *p
		profile(&full, u.Email, u.FullName, u.FirstName, u.LastName, u.Roles)
		p = &full
	}
	return claims(p, issuer), nil
}

// Claims are the OpenID Connect claims of an introspected token's user.
func (in *Introspection) Claims(issuer string) map[string]any { return claims(in.Principal, issuer) }
