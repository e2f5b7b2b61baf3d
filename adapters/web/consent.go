package web

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/core"
	"oauthd/models"
)

// authorizeParams are the request parameters the consent form carries to approve.
var authorizeParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state",
	"code_challenge", "code_challenge_method", "nonce"}

// CSRFField is the consent form's anti-forgery field.
const CSRFField = "csrf_token"

// AuthorizeRequest reads an authorization request through get (query, form, or merged params).
func AuthorizeRequest(get func(key string) string) core.AuthorizeRequest {
	return core.AuthorizeRequest{ClientID: get("client_id"), RedirectURI: get("redirect_uri"),
		ResponseType: get("response_type"), Scope: get("scope"), State: get("state"),
		CodeChallenge: get("code_challenge"), CodeChallengeMethod: get("code_challenge_method"), Nonce: get("nonce")}
}

// hiddenFields carries the original request and the CSRF token through the consent form.
func hiddenFields(req core.AuthorizeRequest, sid string) []Field {
	values := map[string]string{"client_id": req.ClientID, "redirect_uri": req.RedirectURI,
		"response_type": req.ResponseType, "scope": req.Scope, "state": req.State,
		"code_challenge": req.CodeChallenge, "code_challenge_method": req.CodeChallengeMethod, "nonce": req.Nonce}
	fields := []Field{{Name: CSRFField, Value: core.CSRFToken(sid)}}
	for _, name := range authorizeParams {
		if v := values[name]; v != "" {
			fields = append(fields, Field{Name: name, Value: v})
		}
	}
	return fields
}

// ShowConsent renders the consent page for a validated authorization; the form posts to action.
func ShowConsent(c *fiber.Ctx, a *core.Authorization, req core.AuthorizeRequest, user *models.User, sid, action string) error {
	return RenderConsent(c, ConsentPage{ClientName: a.Client.Name, UserEmail: user.Email,
		Scopes: ScopeWords(a.Scopes), Action: action, Hidden: hiddenFields(req, sid), RedirectURI: a.RedirectURI})
}

// Decide finishes a consent form post whose request has been re-validated into a: on "allow"
// it issues a code, otherwise it denies. It returns the redirect to send the browser to.
// The caller must have checked the session and CSRF token (CheckCSRF).
func Decide(c *fiber.Ctx, eng *core.Engine, a *core.Authorization, user *models.User) (string, error) {
	if c.FormValue("decision") != "allow" {
		return a.DenyRedirect(), nil
	}
	code, err := eng.Approve(c.UserContext(), a, user)
	if err != nil {
		return "", err
	}
	return a.CodeRedirect(code), nil
}

// CheckCSRF verifies the consent form's token against the session.
func CheckCSRF(c *fiber.Ctx, sid string) bool {
	return core.CheckCSRF(sid, c.FormValue(CSRFField))
}
