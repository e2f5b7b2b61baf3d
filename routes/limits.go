package routes

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"oauthd/config"
)

// loginPaths are every endpoint that checks a password.
var loginPaths = []string{"/login", "/web/login", "/api/method/login", "/web/session/authenticate"}

// loginLimits slows password guessing: failed logins are counted per client address and per
// account, and past login.max_failures within login.failure_window the endpoint answers 429.
// Successful logins do not count.
func loginLimits(app *fiber.App, cfg config.Login) {
	byAddr := limiter.New(limitConfig(cfg, func(c *fiber.Ctx) string { return "ip:" + c.IP() }))
	byAccount := limiter.New(limitConfig(cfg, func(c *fiber.Ctx) string { return "acct:" + account(c) }))
	for _, p := range loginPaths {
		app.Use(p, func(c *fiber.Ctx) error {
			if c.Method() == fiber.MethodGet && c.Query("usr") == "" {
				return c.Next() // showing the login page is not a login attempt
			}
			return byAddr(c)
		}, func(c *fiber.Ctx) error {
			if account(c) == "" {
				return c.Next()
			}
			return byAccount(c)
		})
	}
}

func limitConfig(cfg config.Login, key func(*fiber.Ctx) string) limiter.Config {
	return limiter.Config{
		Max:                    cfg.MaxFailures,
		Expiration:             cfg.FailureWindow,
		KeyGenerator:           key,
		SkipSuccessfulRequests: true,
		LimiterMiddleware:      limiter.SlidingWindow{},
		LimitReached: func(c *fiber.Ctx) error {
			return c.Status(fiber.StatusTooManyRequests).JSON(fiber.Map{
				"message": "Too many failed login attempts, try again later.", "error": "too_many_requests"})
		},
	}
}

// account extracts the login name from any of the login endpoints' request shapes.
func account(c *fiber.Ctx) string {
	for _, k := range []string{"usr", "login"} {
		if v := c.FormValue(k); v != "" {
			return strings.ToLower(v)
		}
		if v := c.Query(k); v != "" {
			return strings.ToLower(v)
		}
	}
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		var body struct {
			Usr    string `json:"usr"`
			Params struct {
				Login string `json:"login"`
			} `json:"params"`
		}
		if json.Unmarshal(c.Body(), &body) == nil {
			return strings.ToLower(body.Usr + body.Params.Login)
		}
	}
	return ""
}

func statusText(code int) string { return http.StatusText(code) }
