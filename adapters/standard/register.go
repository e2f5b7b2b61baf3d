package standard

import (
	"crypto/subtle"
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/adapters/web"
	"oauthd/compat"
	"oauthd/core"
)

// registrationLimit counts registrations per client address (web.ClientAddress, the login
// limits' address) in the core's counters, shared by every instance through Redis when
// configured: open registration creates rows for anyone, so one address may create only a few
// per window.
func (h *handler) registrationLimit(c *fiber.Ctx) error {
	err := h.eng.AdmitRegistration(c.UserContext(), web.ClientAddress(c), h.opt.Registration.RegistrationPolicy)
	if err == nil {
		return c.Next()
	}
	e := core.AsError(err)
	if e.Reason != core.ReasonRateLimited {
		return jsonError(c, e)
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(e.RetryAfter.Seconds())))
	return c.Status(fiber.StatusTooManyRequests).JSON(fiber.Map{"error": "too_many_requests",
		"error_description": e.Description})
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
	reg, err := h.eng.Register(c.UserContext(), md, h.opt.Registration.RegistrationPolicy)
	if err != nil {
		return jsonError(c, core.AsError(err))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderPragma, "no-cache")
	return c.Status(fiber.StatusCreated).JSON(registered{ClientID: reg.Client.ID, ClientSecret: reg.Secret,
		ClientIDIssuedAt: reg.Client.CreatedAt, ClientSecretExpiresAt: 0, ClientMetadata: reg.Metadata})
}
