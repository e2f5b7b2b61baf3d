package odoo

import (
	"errors"
	"mime"
	"net/url"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"oauthd/adapters/web"
	"oauthd/compat"
	"oauthd/core"
)

// params are one request's OAuth parameters, merged from every place the dialect reads them:
// the documented `Authorization: OAuth` header, the query string and the form body
// (urlencoded or multipart), which is where the module itself reads them.
type params struct {
	values map[string]string
	// headerStyle: an `Authorization: OAuth ...` header was present and parsed. Such callers
	// follow the docs and get data (JSON/XML), never a redirect.
	headerStyle bool
	// basic: the client authenticated with an HTTP Basic header.
	basic bool
	// quirks are the legacy behaviours seen while reading (a client_secret in the query).
	quirks core.Quirks
}

func (p *params) get(name string) string { return p.values[name] }

// readParams merges the request's parameters. A name sent twice with different values, a
// broken OAuth header, a broken multipart body or a value that is not UTF-8 is a 400; a body
// of any other type (JSON, text) simply carries no parameters.
func readParams(c *fiber.Ctx) (*params, *failure) {
	p := &params{}
	header, f := p.headerSource(c.Get(fiber.HeaderAuthorization))
	if f != nil {
		return nil, f
	}
	return p.merge(c, header)
}

// resourceParams reads only the query and the form: on a resource call the Authorization
// header holds a bearer token, not parameters or client credentials.
func resourceParams(c *fiber.Ctx) (*params, *failure) {
	return (&params{}).merge(c, compat.Source{Name: "header"})
}

// merge adds the query and the form to the header's parameters. Values must be UTF-8: every
// parameter ends up in a log, a page or a database query, and MySQL refuses other bytes with
// an error that would otherwise surface as "service unavailable".
func (p *params) merge(c *fiber.Ctx, header compat.Source) (*params, *failure) {
	query := compat.Source{Name: "query", Values: argValues(c.Request().URI().QueryArgs())}
	form, f := formSource(c)
	if f != nil {
		return nil, f
	}
	// The module's clients send client_secret in the query of a POST, so that stays accepted;
	// in a GET (an authorize link, OpenInt's connector) it authenticates nothing and is
	// dropped. Either way it is never logged (nothing here logs a query), and the core counts
	// it as secret_in_url, which a client may be refused.
	if len(query.Values["client_secret"]) > 0 {
		p.quirks |= core.QuirkSecretInURL
		if c.Method() == fiber.MethodGet {
			delete(query.Values, "client_secret")
		}
	}
	if p.basic && (len(query.Values["client_secret"]) > 0 || len(form.Values["client_secret"]) > 0) {
		return nil, badRequest("Use one client authentication method: HTTP Basic or client_secret, not both.")
	}
	// The messages name no parameter: a name is whatever the request chose, and echoing it
	// would let anyone put their words on this server's error pages.
	merged, err := compat.Merge(header, query, form)
	if err != nil {
		return nil, badRequest("A parameter was given twice with different values.")
	}
	for _, v := range merged {
		if !utf8.ValidString(v) {
			return nil, badRequest("A parameter is not valid UTF-8.")
		}
	}
	p.values = merged
	return p, nil
}

// headerSource reads the Authorization header: OAuth parameters, or HTTP Basic client
// credentials. Any other scheme (Bearer) carries no parameters; resource endpoints read it.
func (p *params) headerSource(value string) (compat.Source, *failure) {
	src := compat.Source{Name: "header"}
	if value == "" {
		return src, nil
	}
	kv, err := compat.ParseOAuthHeader(value)
	if err == nil {
		p.headerStyle = true
		src.Values = make(map[string][]string, len(kv))
		for k, v := range kv {
			src.Values[k] = []string{v}
		}
		return src, nil
	}
	if !errors.Is(err, compat.ErrNotOAuth) {
		return src, badRequest("Invalid OAuth header.")
	}
	if id, secret, ok := compat.ParseBasicAuth(value); ok {
		p.basic = true
		src.Values = map[string][]string{"client_id": {id}, "client_secret": {secret}}
	}
	return src, nil
}

// formSource reads an urlencoded or multipart body. The media type is compared
// case-insensitively, which fasthttp's own form parsing does not do.
func formSource(c *fiber.Ctx) (compat.Source, *failure) {
	src := compat.Source{Name: "form"}
	mediaType, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil {
		return src, nil
	}
	switch mediaType {
	case fiber.MIMEApplicationForm:
		var args fasthttp.Args
		args.ParseBytes(c.Request().Body())
		src.Values = argValues(&args)
	case fiber.MIMEMultipartForm:
		form, err := c.MultipartForm()
		if err != nil {
			return src, badRequest("Invalid multipart/form-data body.")
		}
		src.Values = form.Value
	}
	return src, nil
}

// argValues copies fasthttp arguments (valid only during the visit) into a map, keeping
// repeats so that Merge can refuse differing ones.
func argValues(args *fasthttp.Args) map[string][]string {
	out := make(map[string][]string, args.Len())
	args.VisitAll(func(k, v []byte) {
		out[string(k)] = append(out[string(k)], string(v))
	})
	return out
}

// credentials says which client the request claims to be and how it proved it: HTTP Basic,
// a secret among the parameters (OAuth header, form or query), or no secret at all.
func (p *params) credentials() core.ClientCredentials {
	cred := core.ClientCredentials{ID: p.get("client_id"), Secret: p.get("client_secret"), Method: core.AuthPost}
	switch {
	case p.basic:
		cred.Method = core.AuthBasic
	case cred.Secret == "":
		cred.Method = core.AuthNone
	}
	return cred
}

// redirectURI repeats the module's handling of redirect_uri: it unquotes the already decoded
// value once more, so both single- and double-encoded URIs match. An absolute URI is left
// alone, so a registered URI with escapes of its own (%2F in its query) still matches itself.
func (p *params) redirectURI() string {
	v := p.get("redirect_uri")
	if u, err := url.Parse(v); err == nil && u.IsAbs() {
		return v
	}
	if decoded, err := url.PathUnescape(v); err == nil {
		return decoded
	}
	return v
}

// authorizeRequest is the authorization request the parameters describe. Scopes the client
// was not registered for are narrowed away: the module ignored scope, and its clients ask for
// "openid profile email" and more.
func (p *params) authorizeRequest() core.AuthorizeRequest {
	req := web.AuthorizeRequest(func(name string) string {
		if name == "redirect_uri" {
			return p.redirectURI()
		}
		return p.get(name)
	}, core.ScopeNarrow)
	req.Quirks = p.quirks
	return req
}

func badRequest(message string) *failure {
	return &failure{status: fiber.StatusBadRequest, message: message, oauthCode: core.ErrInvalidRequest,
		description: message}
}
