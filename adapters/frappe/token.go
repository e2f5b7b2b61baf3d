package frappe

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/compat"
	"oauthd/core"
	"oauthd/models"
)

// tokenResponse is get_token's answer, keys in the order of the seed's examples.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
}

// grantParams are the parameters each supported grant cannot do without; a grant_type missing
// from this map is unsupported.
var grantParams = map[string][]string{
	core.GrantAuthorizationCode: {"code"},
	core.GrantRefreshToken:      {"refresh_token"},
	core.GrantClientCredentials: nil,
}

// token is get_token. Parameters come from the form-encoded body only: the query string is
// ignored, so credentials put there (and into access logs) are never honoured.
func (h *handler) token(c *fiber.Ctx) error {
	p, perr := bodyParams(c)
	if perr == nil {
		perr = checkGrant(p)
	}
	if perr != nil {
		return renderRFC(c, perr)
	}
	cred, perr := clientCredentials(c, p)
	if perr != nil {
		return renderRFC(c, perr)
	}
	client, err := h.eng.AuthenticateClient(c.UserContext(), cred)
	if err != nil {
		return renderRFC(c, core.AsError(err))
	}
	res, err := h.grant(c, client, p)
	if err != nil {
		return renderRFC(c, core.AsError(err))
	}
	noStore(c)
	return c.JSON(tokenResponse{AccessToken: res.AccessToken, TokenType: "Bearer", ExpiresIn: res.ExpiresIn,
		RefreshToken: res.RefreshToken, Scope: res.Scope})
}

// checkGrant checks that the grant type is supported and its parameters are there, in
// oauthlib's order and words, before any database work.
func checkGrant(p map[string]string) *core.Error {
	grant := p["grant_type"]
	if grant == "" {
		return invalidRequest("Missing grant_type parameter.")
	}
	names, ok := grantParams[grant]
	if !ok {
		return &core.Error{Code: core.ErrUnsupportedGrantType, Reason: core.ReasonBadParameter,
			Description: "Unsupported grant type."}
	}
	for _, name := range names {
		if p[name] == "" {
			return invalidRequest("Missing " + name + " parameter.")
		}
	}
	return nil
}

func (h *handler) grant(c *fiber.Ctx, client *models.Client, p map[string]string) (*core.TokenResult, error) {
	ctx, ttl := c.UserContext(), h.cfg.Frappe.AccessTTL
	switch p["grant_type"] {
	case core.GrantAuthorizationCode:
		return h.eng.ExchangeCode(ctx, core.CodeExchange{Client: client, Code: p["code"],
			RedirectURI: p["redirect_uri"], CodeVerifier: p["code_verifier"], AccessTTL: ttl})
	case core.GrantRefreshToken:
		return h.eng.Refresh(ctx, core.RefreshRequest{Client: client, RefreshToken: p["refresh_token"],
			Scope: p["scope"], AccessTTL: ttl})
	default:
		return h.eng.ClientCredentials(ctx, core.ClientCredentialsRequest{Client: client, Scope: p["scope"],
			AccessTTL: ttl})
	}
}

// clientCredentials reads how the client identified itself: HTTP Basic, client_id and
// client_secret in the form, or client_id alone (public clients, as the seeds send it). Core
// checks the method against the client's registration; here only contradictions are refused.
func clientCredentials(c *fiber.Ctx, p map[string]string) (core.ClientCredentials, *core.Error) {
	header := c.Get(fiber.HeaderAuthorization)
	if !isBasic(header) {
		if p["client_secret"] != "" {
			return core.ClientCredentials{ID: p["client_id"], Secret: p["client_secret"], Method: core.AuthPost}, nil
		}
		return core.ClientCredentials{ID: p["client_id"], Method: core.AuthNone}, nil
	}
	id, secret, ok := compat.ParseBasicAuth(header)
	switch {
	case !ok:
		return core.ClientCredentials{}, &core.Error{Code: core.ErrInvalidClient, Reason: core.ReasonClientAuthFailed,
			Description: "Malformed HTTP Basic client credentials."}
	case p["client_secret"] != "":
		return core.ClientCredentials{}, invalidRequest("Client credentials given both by HTTP Basic and in the body.")
	case p["client_id"] != "" && p["client_id"] != id:
		return core.ClientCredentials{}, invalidRequest("client_id does not match the HTTP Basic credentials.")
	}
	return core.ClientCredentials{ID: id, Secret: secret, Method: core.AuthBasic}, nil
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
