package frappe

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/web"
	"oauthd/compat"
	"oauthd/core"
)

// tokenResponse is get_token's answer, keys in the order of the seed's examples.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token,omitempty"`
}

// token is get_token. Parameters come from the form-encoded body only: the query string is
// ignored, so credentials put there (and into access logs) are never honoured. A grant_type
// or grant parameter that is missing is reported before the client credentials are looked at,
// as oauthlib does.
func (h *handler) token(c *fiber.Ctx) error {
	p, perr := bodyParams(c)
	if perr != nil {
		return renderRFC(c, perr)
	}
	res, err := h.eng.Token(c.UserContext(), core.TokenRequest{GrantType: p["grant_type"], Credentials: clientCredentials(c, p),
		Code: p["code"], RedirectURI: p["redirect_uri"], CodeVerifier: p["code_verifier"],
		RefreshToken: p["refresh_token"], Scope: p["scope"], AccessTTL: h.opt.AccessTTL,
		ScopePolicy: core.ScopeStrict, Issuer: web.Issuer(c, h.opt.Issuer), Resource: p["resource"],
		Username: p["username"], Password: p["password"], Address: web.LoginAddress(c, p["username"])})
	if err != nil {
		return renderRFC(c, core.AsError(err))
	}
	noStore(c)
	return c.JSON(tokenResponse{AccessToken: res.AccessToken, TokenType: "Bearer", ExpiresIn: res.ExpiresIn,
		RefreshToken: res.RefreshToken, Scope: res.Scope, IDToken: res.IDToken})
}

// clientCredentials reads how the client identified itself: HTTP Basic, client_id and
// client_secret in the form, or client_id alone (public clients, as the seeds send it). Core
// checks the method against the client's registration; here only contradictions are marked,
// and core reports them when it authenticates.
func clientCredentials(c *fiber.Ctx, p map[string]string) core.ClientCredentials {
	header := c.Get(fiber.HeaderAuthorization)
	if !isBasic(header) {
		if p["client_secret"] != "" {
			return core.ClientCredentials{ID: p["client_id"], Secret: p["client_secret"], Method: core.AuthPost}
		}
		return core.ClientCredentials{ID: p["client_id"], Method: core.AuthNone}
	}
	id, secret, ok := compat.ParseBasicAuth(header)
	switch {
	case !ok:
		return core.ClientCredentials{Method: core.AuthBasic, Problem: &core.Error{Code: core.ErrInvalidClient,
			Reason: core.ReasonClientAuthFailed, Description: "Malformed HTTP Basic client credentials."}}
	case p["client_secret"] != "":
		return core.ClientCredentials{Method: core.AuthBasic,
			Problem: invalidRequest("Client credentials given both by HTTP Basic and in the body.")}
	case p["client_id"] != "" && p["client_id"] != id:
		return core.ClientCredentials{Method: core.AuthBasic,
			Problem: invalidRequest("client_id does not match the HTTP Basic credentials.")}
	}
	return core.ClientCredentials{ID: id, Secret: secret, Method: core.AuthBasic}
}

// isBasic reports whether an Authorization header uses the Basic scheme (any case). Other
// schemes are not client authentication and are left alone.
func isBasic(header string) bool {
	scheme, _, _ := strings.Cut(strings.TrimSpace(strings.ReplaceAll(header, "\t", " ")), " ")
	return strings.EqualFold(scheme, "Basic")
}

// tokenMethodNotAllowed answers anything but a POST to get_token as oauthlib does: 400
// invalid_request, in the token endpoint's error shape.
func tokenMethodNotAllowed(c *fiber.Ctx) error {
	return renderRFC(c, invalidRequest("Unsupported request method "+c.Method()+"."))
}
