package standard

import (
	"crypto/subtle"
	"encoding/json"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"oauthd/adapters"
	"oauthd/compat"
	"oauthd/core"
)

// registrationLimit counts registrations per client address: open registration creates rows
// for anyone, so one address may create only a few per window.
func registrationLimit(cfg RegistrationOptions) fiber.Handler {
	return limiter.New(limiter.Config{
		Max:               cfg.RateLimit,
		Expiration:        cfg.RateWindow,
		KeyGenerator:      func(c *fiber.Ctx) string { return "register:" + c.IP() },
		LimiterMiddleware: limiter.SlidingWindow{},
		LimitReached: func(c *fiber.Ctx) error {
			return c.Status(fiber.StatusTooManyRequests).JSON(fiber.Map{"error": "too_many_requests",
				"error_description": "Too many registrations from this address, try again later."})
		},
	})
}

// registered is the 201 answer of RFC 7591 §3.2.1.
type registered struct {
	ClientID              string `json:"client_id"`
	ClientSecret          string `json:"client_secret,omitempty"`
	ClientIDIssuedAt      int64  `json:"client_id_issued_at"`
	ClientSecretExpiresAt int64  `json:"client_secret_expires_at"`
	core.ClientMetadata
}

// register is dynamic client registration (RFC 7591): JSON metadata in, a new client out.
func (h *handler) register(c *fiber.Ctx) error {
	if want := h.opt.Registration.InitialAccessToken; want != "" {
		got, _ := compat.BearerToken(c.Get(fiber.HeaderAuthorization))
		if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			e := &core.Error{Code: core.ErrInvalidToken, Reason: core.ReasonTokenInvalid,
				Description: "Registration requires the initial access token."}
			adapters.Refuse(c, e, nil, "")
			return jsonError(c, e)
		}
	}
	var md core.ClientMetadata
	if err := json.Unmarshal(c.Body(), &md); err != nil {
		return jsonError(c, &core.Error{Code: core.ErrInvalidClientMetadata, Reason: core.ReasonBadParameter,
			Description: "The body must be a JSON object of client metadata."})
	}
	policy := core.RegistrationPolicy{AllowedRedirectHosts: h.opt.Registration.AllowedRedirectHosts,
		MaxClients: h.opt.Registration.MaxClients}
	reg, err := h.eng.Register(c.UserContext(), md, policy)
	if err != nil {
		return jsonError(c, core.AsError(err))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderPragma, "no-cache")
	return c.Status(fiber.StatusCreated).JSON(registered{ClientID: reg.Client.ID, ClientSecret: reg.Secret,
		ClientIDIssuedAt: reg.Client.CreatedAt, ClientSecretExpiresAt: 0, ClientMetadata: reg.Metadata})
}
