package admin

import (
	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/core"
	"oauthd/models"
)

func (h *handler) clientRoutes(api fiber.Router) {
	api.Get("/clients", h.listClients)
	api.Post("/clients", h.createClient)
	api.Get("/clients/:id", h.getClient)
	api.Patch("/clients/:id", h.updateClient)
	api.Delete("/clients/:id", h.removeClient)
	api.Post("/clients/:id/rotate-secret", h.rotateSecret)
	api.Get("/clients/:id/tokens", h.clientTokens)
	api.Get("/clients/:id/quirks", h.clientQuirks)
	api.Delete("/clients/:id/tokens", h.revokeClientTokens)
}

func (h *handler) listClients(c *fiber.Ctx) error {
	cs, err := h.eng.Clients(c.UserContext())
	if err != nil {
		return h.failErr(c, err)
	}
	return c.JSON(fiber.Map{"clients": adapters.DescribeAll(cs, adapters.DescribeClient)})
}

// clientBody is a client to create or the fields of one to change.
type clientBody struct {
	ClientID          string    `json:"client_id"`
	Name              *string   `json:"name"`
	RedirectURIs      *[]string `json:"redirect_uris"`
	Scope             *string   `json:"scope"`
	AuthMethods       []string  `json:"auth_methods"`
	GrantTypes        *[]string `json:"grant_types"`
	SkipAuthorization *bool     `json:"skip_authorization"`
	Owner             string    `json:"owner"`
	PKCE              *string   `json:"pkce"`
	PKCEPlain         *bool     `json:"pkce_plain"`
	RefreshRotation   *bool     `json:"refresh_rotation"`
	Profile           *string   `json:"profile"`
	RefusedQuirks     *[]string `json:"refused_quirks"`
	AllowedRoles      *[]string `json:"allowed_roles"`
}

func (h *handler) createClient(c *fiber.Ctx) error {
	var b clientBody
	if err := decode(c, &b); err != nil {
		return h.failErr(c, err)
	}
	nc := core.NewClient{ID: b.ClientID, AuthMethods: b.AuthMethods, OwnerEmail: b.Owner}
	b.change().Apply(&nc)
	cl, secret, err := h.eng.CreateClient(c.UserContext(), nc)
	if err != nil {
		return h.failErr(c, err)
	}
	out := adapters.DescribeClient(cl)
	out["client_secret"] = secret // shown this once; only its digest is kept
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *handler) getClient(c *fiber.Ctx) error {
	return h.clientResult(c)(h.eng.Client(c.UserContext(), param(c, "id")))
}

func (h *handler) updateClient(c *fiber.Ctx) error {
	var b clientBody
	if err := decode(c, &b); err != nil {
		return h.failErr(c, err)
	}
	if b.ClientID != "" || b.AuthMethods != nil || b.Owner != "" {
		return h.failErr(c, errBody("client_id, auth_methods and owner cannot be changed"))
	}
	return h.clientResult(c)(h.eng.UpdateClient(c.UserContext(), param(c, "id"), b.change()))
}

// change is what the body sets, as a change to a client.
func (b clientBody) change() core.ClientChange {
	ch := core.ClientChange{Name: b.Name, RedirectURIs: b.RedirectURIs, GrantTypes: b.GrantTypes,
		SkipAuthorization: b.SkipAuthorization, PKCE: b.PKCE, AllowPlainPKCE: b.PKCEPlain,
		RefreshRotation: b.RefreshRotation, Profile: b.Profile, RefusedQuirks: b.RefusedQuirks,
		AllowedRoles: b.AllowedRoles}
	if b.Scope != nil {
		scopes := core.ParseScope(*b.Scope)
		ch.Scopes = &scopes
	}
	return ch
}

func (h *handler) clientResult(c *fiber.Ctx) func(*models.Client, error) error {
	return func(cl *models.Client, err error) error {
		if err != nil {
			return h.failErr(c, err)
		}
		return c.JSON(adapters.DescribeClient(cl))
	}
}

func (h *handler) removeClient(c *fiber.Ctx) error {
	if err := h.eng.RemoveClient(c.UserContext(), param(c, "id")); err != nil {
		return h.failErr(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *handler) rotateSecret(c *fiber.Ctx) error {
	secret, err := h.eng.RotateSecret(c.UserContext(), param(c, "id"))
	if err != nil {
		return h.failErr(c, err)
	}
	return c.JSON(fiber.Map{"client_id": param(c, "id"), "client_secret": secret})
}

func (h *handler) clientTokens(c *fiber.Ctx) error {
	return h.tokens(c, core.TokenQuery{ClientID: param(c, "id"), Limit: c.QueryInt("limit")})
}

func (h *handler) revokeClientTokens(c *fiber.Ctx) error {
	n, err := h.eng.RevokeClientTokens(c.UserContext(), param(c, "id"))
	if err != nil {
		return h.failErr(c, err)
	}
	return c.JSON(fiber.Map{"revoked": n})
}

// clientQuirks is the client's quirk ledger, this instance's counts not yet written included.
func (h *handler) clientQuirks(c *fiber.Ctx) error {
	lines, err := h.eng.QuirkLedger(c.UserContext(), param(c, "id"))
	if err != nil {
		return h.failErr(c, err)
	}
	return c.JSON(fiber.Map{"quirks": adapters.DescribeAll(lines, func(l *core.QuirkLine) map[string]any {
		return adapters.DescribeQuirkLine(*l)
	})})
}

func (h *handler) tokens(c *fiber.Ctx, q core.TokenQuery) error {
	ts, err := h.eng.Tokens(c.UserContext(), q)
	if err != nil {
		return h.failErr(c, err)
	}
	return c.JSON(fiber.Map{"tokens": adapters.DescribeAll(ts, adapters.DescribeToken)})
}
