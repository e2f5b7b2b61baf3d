// Package adaptertest holds what the adapters' unit tests share: a real engine over a fresh
// SQLite file (no mocks), and a bare Fiber context for calling request helpers directly.
package adaptertest

import (
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"oauthd/core"
	"oauthd/models/storetest"
)

// Engine is a real engine over a migrated SQLite file in t.TempDir(), with a cheap bcrypt cost.
func Engine(t testing.TB) *core.Engine {
	t.Helper()
	return core.New(storetest.OpenSQLite(t), core.Options{BcryptCost: 4})
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
