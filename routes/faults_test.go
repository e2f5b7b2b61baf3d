package routes

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/adaptertest"
	"oauthd/adapters/ephemeral"
	"oauthd/config"
)

// The fault middleware exists only in an ephemeral server's app: a normal server's requests
// pass fewer middlewares, and a queued fault reaches only the kit's app.
func TestFaultsMountedOnlyWhenEphemeral(t *testing.T) {
	t.Parallel()
	eng := adaptertest.Engine(t)
	cfg := &config.Config{Server: config.Server{BodyLimit: 1024, HeaderLimit: 8192},
		Frappe: config.Frappe{AccessTTL: time.Hour}, Odoo: config.Odoo{AccessTTL: time.Hour, ValidityFormat: "auto"}}
	kit := ephemeral.New(FaultTargets())
	plain, withKit := New(adapters.Deps{Engine: eng, Config: cfg}), New(adapters.Deps{Engine: eng, Config: cfg, Ephemeral: kit})
	middlewares := func(app *fiber.App) int { // handlers of the USE routes, which fiber may merge
		n := 0
		for _, r := range app.GetRoutes(false) {
			n += len(r.Handlers)
		}
		for _, r := range app.GetRoutes(true) {
			n -= len(r.Handlers)
		}
		return n
	}
	if a, b := middlewares(plain), middlewares(withKit); b <= a {
		t.Fatalf("middlewares: %d without the kit, %d with it", a, b)
	}
	if _, err := kit.Faults.Add(ephemeral.Fault{Endpoint: ephemeral.EndpointBearer, Kind: ephemeral.KindUnavailable,
		Remaining: 1}); err != nil {
		t.Fatal(err)
	}
	path := "/api/method/frappe.auth.get_logged_user"
	for _, tc := range []struct {
		app  *fiber.App
		want int
	}{{plain, 401}, {withKit, 503}, {withKit, 401}} {
		resp, err := tc.app.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil || resp.StatusCode != tc.want {
			t.Fatalf("%v, %v; want %d", resp.StatusCode, err, tc.want)
		}
	}
}
