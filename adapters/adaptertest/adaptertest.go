// Package adaptertest holds what the adapters' unit tests share: a real engine over a fresh
// SQLite file (no mocks), and a bare Fiber context for calling request helpers directly.
package adaptertest

import (
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"oauthd/core"
	"oauthd/store/testdb"
)

// Engine is a real engine over a migrated SQLite file in t.TempDir(). Its options are the
// tests' (the configuration's defaults, but for a cheap bcrypt cost and ES256 keys); the
// adapters' tests cannot reach the mapping from the configuration, which sits above them.
func Engine(t testing.TB) *core.Engine {
	t.Helper()
	eng, err := core.New(testdb.OpenSQLite(t), core.Options{CodeTTL: 10 * time.Minute, SkipAuthorization: "force",
		PKCEMinVerifierLength: 43, BcryptCost: 4, SessionTTL: 168 * time.Hour, MaxSessions: 10,
		RevocationAuth: core.TokenAuthPossession, IntrospectionAuth: core.TokenAuthPossession,
		LoginLimits: core.LoginLimits{MaxAttempts: 60, AttemptWindow: time.Minute, MaxFailures: 5,
			FailureWindow: 15 * time.Minute, MaxBackoff: time.Minute, HashWait: 2 * time.Second},
		OIDC: core.OIDCOptions{IDTokenAlg: core.AlgES256, KeyRetention: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// Ctx is a bare request context; header is name, value pairs. A body without a Content-Type
// header is sent as a form.
func Ctx(t testing.TB, method, target, body string, header ...string) *fiber.Ctx {
	t.Helper()
	fctx := &fasthttp.RequestCtx{}
	fctx.Request.Header.SetMethod(method)
	fctx.Request.SetRequestURI(target)
	for i := 0; i+1 < len(header); i += 2 {
		fctx.Request.Header.Set(header[i], header[i+1])
	}
	if body != "" {
		fctx.Request.SetBodyString(body)
		if len(fctx.Request.Header.ContentType()) == 0 {
			fctx.Request.Header.SetContentType(fiber.MIMEApplicationForm)
		}
	}
	app := fiber.New()
	c := app.AcquireCtx(fctx) // reads the method and path: set them first
	t.Cleanup(func() { app.ReleaseCtx(c) })
	return c
}
