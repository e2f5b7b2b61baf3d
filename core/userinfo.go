package core

// UserInfo returns the claims an access token may read at a userinfo endpoint. Only a token
// granted the openid scope may read them (OpenID Connect Core §5.3); any other gets
// insufficient_scope.
func UserInfo(p *Principal, issuer string) (map[string]any, error) {
	if !p.HasScope("openid") {
		return nil, fail(ErrInsufficientScope, ReasonInsufficientScope, "The access token was not granted the openid scope.")
	}
	return Claims(p, issuer), nil
}
