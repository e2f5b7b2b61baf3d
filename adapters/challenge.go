package adapters

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"oauthd/core"
)

// BearerChallenge is the WWW-Authenticate challenge of a protected resource that refused a
// request's token (RFC 6750 §3), with RFC 9728's pointer to the resource's metadata: from one
// 401 a client learns where to get a token, for what, and with which scopes.
type BearerChallenge struct {
	Realm            string   // the protection space; "" for the OAuth endpoints' own
	Error            string   // the error code; "" when the request sent no token (RFC 6750 §3.1)
	Scopes           []string // what the resource requires
	ResourceMetadata string   // the URL of the resource's metadata document
}

// ChallengeFor is the challenge for a refused token: e's code, unless no token was sent;
// ok is false for an outage (503), which is no fault of the token and gets none.
func ChallengeFor(e *core.Error, scopes []string, metadata string) (b BearerChallenge, ok bool) {
	if e.Unavailable() {
		return BearerChallenge{}, false
	}
	b = BearerChallenge{Scopes: scopes, ResourceMetadata: metadata}
	if e.Reason != core.ReasonTokenMissing {
		b.Error = e.Code
	}
	return b, true
}

// String writes the challenge: realm, error, scope, resource_metadata, in that order.
func (b BearerChallenge) String() string {
	var params []string
	if b.Realm != "" {
		params = append(params, `realm="`+quotable(b.Realm)+`"`)
	}
	if b.Error != "" {
		params = append(params, `error="`+quotable(b.Error)+`"`)
	}
	if len(b.Scopes) > 0 {
		params = append(params, `scope="`+quotable(core.JoinScope(b.Scopes))+`"`)
	}
	if b.ResourceMetadata != "" {
		params = append(params, `resource_metadata="`+quotable(b.ResourceMetadata)+`"`)
	}
	if len(params) == 0 {
		return "Bearer"
	}
	return "Bearer " + strings.Join(params, ", ")
}

// BasicChallenge is the challenge of a token endpoint that refused a client's credentials
// (RFC 6749 §5.2).
const BasicChallenge = `Basic realm="oauthd"`

// quotable keeps what may stand in the challenge's quoted-strings: printable ASCII but the
// quote and the backslash, which is all scope tokens (RFC 6749 §3.3) and URLs hold. A
// requirement configured with anything else (a control character) must not break the header.
func quotable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' || r == '"' || r == '\\' {
			return -1
		}
		return r
	}, s)
}

// challengeKey keeps a response's challenge in the request's locals.
type challengeKey struct{}

// SetChallenge answers with b. A challenge without its metadata URL is completed, once the
// handler returns, with the issuer's own (see CompleteChallenge).
func SetChallenge(c *fiber.Ctx, b BearerChallenge) {
	c.Locals(challengeKey{}, b)
	c.Set(fiber.HeaderWWWAuthenticate, b.String())
}

// Refuse sets the challenge for a refused token, if it gets one (see ChallengeFor).
func Refuse(c *fiber.Ctx, e *core.Error, scopes []string, metadata string) {
	if b, ok := ChallengeFor(e, scopes, metadata); ok {
		SetChallenge(c, b)
	}
}

// Challenged reports whether the response is a refusal that may carry a challenge (401, 403).
func Challenged(c *fiber.Ctx) bool {
	status := c.Response().StatusCode()
	return status == fiber.StatusUnauthorized || status == fiber.StatusForbidden
}

// CompleteChallenge gives the challenge of a refusal, when it names no metadata, the URL
// metadata: the document of oauthd's own endpoints, which is what the MCP authorization spec
// asks every Bearer challenge to point at.
func CompleteChallenge(c *fiber.Ctx, metadata string) {
	b, ok := c.Locals(challengeKey{}).(BearerChallenge)
	if !ok || b.ResourceMetadata != "" || !Challenged(c) {
		return
	}
	b.ResourceMetadata = metadata
	SetChallenge(c, b)
}

// ResourceMetadataURL is where RFC 9728 §3.1 puts the metadata of the resource identified by
// resource: /.well-known/oauth-protected-resource between its host and its path.
func ResourceMetadataURL(resource string) string {
	u, err := url.Parse(resource)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host + ResourceMetadataPath + u.EscapedPath()
}
