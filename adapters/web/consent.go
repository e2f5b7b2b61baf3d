package web

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/core"
)

// authorizeParams lists the authorization request's parameters once: how each is read from a
// request, and which the consent form carries on to approve.
var authorizeParams = []struct {
	name  string
	field func(*core.AuthorizeRequest) *string
}{
	{"client_id", func(r *core.AuthorizeRequest) *string { return &r.ClientID }},
	{"redirect_uri", func(r *core.AuthorizeRequest) *string { return &r.RedirectURI }},
	{"response_type", func(r *core.AuthorizeRequest) *string { return &r.ResponseType }},
	{"scope", func(r *core.AuthorizeRequest) *string { return &r.Scope }},
	{"state", func(r *core.AuthorizeRequest) *string { return &r.State }},
	{"code_challenge", func(r *core.AuthorizeRequest) *string { return &r.CodeChallenge }},
	{"code_challenge_method", func(r *core.AuthorizeRequest) *string { return &r.CodeChallengeMethod }},
	{"nonce", func(r *core.AuthorizeRequest) *string { return &r.Nonce }},
	{"resource", func(r *core.AuthorizeRequest) *string { return &r.Resource }},
	{"prompt", func(r *core.AuthorizeRequest) *string { return &r.Prompt }},
	{"max_age", func(r *core.AuthorizeRequest) *string { return &r.MaxAge }},
	{"login_hint", func(r *core.AuthorizeRequest) *string { return &r.LoginHint }},
}

// CSRFField is the consent form's anti-forgery field.
const CSRFField = "csrf_token"

// AuthorizeRequest reads an authorization request through get (query, form, or merged params),
// with the dialect's scope policy.
func AuthorizeRequest(get func(key string) string, policy core.ScopePolicy) core.AuthorizeRequest {
	req := core.AuthorizeRequest{ScopePolicy: policy}
	for _, p := range authorizeParams {
		*p.field(&req) = get(p.name)
	}
	return req
}

// hiddenFields carries the original request and the CSRF token through the consent form.
func hiddenFields(req core.AuthorizeRequest, sid string) []Field {
	fields := []Field{{Name: CSRFField, Value: core.CSRFToken(sid, req)}}
	for _, p := range authorizeParams {
		if v := *p.field(&req); v != "" {
			fields = append(fields, Field{Name: p.name, Value: v})
		}
	}
	return fields
}

// ShowConsent renders the consent page for a validated authorization; the form posts to action.
func ShowConsent(c *fiber.Ctx, a *core.Authorization, s core.Session, action string) error {
	return RenderConsent(c, ConsentPage{ClientName: core.DisplayName(a.Client.Name), SelfRegistered: a.Client.SelfRegistered,
		DocumentHost: core.DocumentHost(a.Client), UserEmail: s.User.Email,
		Scopes: ScopeWords(a.Scopes), Action: action, Hidden: hiddenFields(a.Request, s.ID), RedirectURI: a.RedirectURI})
}

// Decision reads a consent form post into the core's decision, after the dialect parsed the
// carried request. Both dialects' approve endpoints hand it to core.Decide, which checks the
// session first and the CSRF token second.
func Decision(c *fiber.Ctx, eng *core.Engine, req core.AuthorizeRequest) (core.Decision, error) {
	s, err := CurrentSession(c, eng)
	if err != nil {
		return core.Decision{}, err
	}
	return core.Decision{Request: req, Session: s, CSRFToken: c.FormValue(CSRFField),
		Allow: c.FormValue("decision") == "allow"}, nil
}

// SecretInURL reports a client_secret in the request's URL (secret_in_url). The secret was
// exposed before it arrived; it is never checked, logged or stored, only counted.
func SecretInURL(c *fiber.Ctx) core.Quirks {
	if c.Context().QueryArgs().Has("client_secret") {
		return core.QuirkSecretInURL
	}
	return 0
}
