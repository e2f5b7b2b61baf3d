package admin

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/ephemeral"
)

// ephemeralRoutes are the test clock and the faults of `serve --ephemeral`. Without that mode
// they are not mounted: 404 like any unknown path.
func (h *handler) ephemeralRoutes(api fiber.Router) {
	if h.kit == nil {
		return
	}
	api.Get("/clock", h.readClock)
	api.Post("/clock", h.advanceClock)
	api.Get("/faults", h.listFaults)
	api.Post("/faults", h.addFault)
	api.Delete("/faults", h.clearFaults)
}

func (h *handler) readClock(c *fiber.Ctx) error {
	return c.JSON(clockView(h.kit.Clock.Now(), h.kit.Clock))
}

// advanceClock moves the clock forward by {"advance": "1h"} (a Go duration, positive).
func (h *handler) advanceClock(c *fiber.Ctx) error {
	var body struct {
		Advance string `json:"advance"`
	}
	if err := decode(c, &body); err != nil {
		return h.failErr(c, err)
	}
	d, err := time.ParseDuration(body.Advance)
	if err != nil || d <= 0 {
		return fail(c, fiber.StatusBadRequest, "invalid_input",
			`advance: want a positive duration such as "90s", "1h" or "720h", got "`+body.Advance+`"`)
	}
	return c.JSON(clockView(h.kit.Clock.Advance(d), h.kit.Clock))
}

func clockView(now time.Time, clk *ephemeral.Clock) fiber.Map {
	return fiber.Map{"now": now.UTC().Format(time.RFC3339), "unix": now.Unix(), "offset": clk.Offset().String()}
}

// faultBody is a fault as the API takes and shows it; durations are Go durations ("2s").
type faultBody struct {
	ID         int    `json:"id,omitempty"`
	Endpoint   string `json:"endpoint"`
	Dialect    string `json:"dialect,omitempty"`
	Kind       string `json:"kind"`
	Count      int    `json:"count"`
	Delay      string `json:"delay,omitempty"`
	RetryAfter string `json:"retry_after,omitempty"`
}

func (h *handler) addFault(c *fiber.Ctx) error {
	body := faultBody{Count: 1}
	if err := decode(c, &body); err != nil {
		return h.failErr(c, err)
	}
	f := ephemeral.Fault{Endpoint: body.Endpoint, Dialect: body.Dialect, Kind: body.Kind, Remaining: body.Count}
	var err error
	if f.Delay, err = optionalDuration("delay", body.Delay); err == nil {
		f.RetryAfter, err = optionalDuration("retry_after", body.RetryAfter)
	}
	if err != nil {
		return fail(c, fiber.StatusBadRequest, "invalid_input", err.Error())
	}
	queued, err := h.kit.Faults.Add(f)
	if err != nil {
		return fail(c, fiber.StatusBadRequest, "invalid_input", err.Error())
	}
	return c.Status(fiber.StatusCreated).JSON(faultView(queued))
}

// optionalDuration parses a Go duration; "" is none.
func optionalDuration(field, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf(`%s: not a duration: %q (want e.g. "500ms", "2s")`, field, s)
	}
	return d, nil
}

func (h *handler) listFaults(c *fiber.Ctx) error {
	out := []faultBody{}
	for _, f := range h.kit.Faults.List() {
		out = append(out, faultView(f))
	}
	return c.JSON(fiber.Map{"faults": out})
}

func (h *handler) clearFaults(c *fiber.Ctx) error {
	h.kit.Faults.Clear()
	return c.SendStatus(fiber.StatusNoContent)
}

func faultView(f ephemeral.Fault) faultBody {
	b := faultBody{ID: f.ID, Endpoint: f.Endpoint, Dialect: f.Dialect, Kind: f.Kind, Count: f.Remaining}
	if f.Delay > 0 {
		b.Delay = f.Delay.String()
	}
	if f.RetryAfter > 0 {
		b.RetryAfter = f.RetryAfter.String()
	}
	return b
}
