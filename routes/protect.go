package routes

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/forwardauth"
	"oauthd/adapters/proxy"
	"oauthd/adapters/standard"
)

// withProxyStreaming sets the server up for the built-in proxy when [[proxy]] tables are
// configured (request bodies streamed, see proxy.Streaming), and leaves it as it is otherwise.
func withProxyStreaming(d adapters.Deps, cfg fiber.Config) fiber.Config {
	if len(d.Config.Proxies) > 0 {
		proxy.Streaming(&cfg)
	}
	return cfg
}

// protectAPIs mounts what lets the APIs behind oauthd accept its tokens: the built-in proxy,
// if configured, ahead of every middleware that may answer early (its prefixes are matched
// first; every other request's streamed body is read, up to server.body_limit, before anything
// can answer and leave the rest on the connection), then /oauth2/verify for reverse proxies
// in front. Both refuse a repeated Authorization header themselves.
func protectAPIs(app *fiber.App, d adapters.Deps, dialects []adapters.Dialect) {
	if p := proxy.New(d.Engine, d.Config.Proxies, dialects, originPolicy(d), d.Config.Server.Issuer); p != nil {
		app.Use(p.Handler(d.Config.Server.BodyLimit))
		app.Get(healthPath, health(d)) // answering early is safe once the body is read
	}
	// From here on every Bearer refusal, /oauth2/verify's included, names the resource metadata;
	// the upstreams' own answers above pass through untouched.
	app.Use(standard.ResourceMetadataChallenge(d.Config.Server.Issuer))
	forwardauth.Register(app, d)
}
