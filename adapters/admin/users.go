package admin

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/core"
	"oauthd/models"
)

func (h *handler) userRoutes(api fiber.Router) {
	api.Get("/users", h.listUsers)
	api.Post("/users", h.createUser)
	api.Get("/users/:email", h.getUser)
	api.Patch("/users/:email", h.updateUser)
	api.Delete("/users/:email", h.removeUser)
	api.Post("/users/:email/disable", h.byEmail((*core.Engine).DisableUser))
	api.Post("/users/:email/enable", h.byEmail((*core.Engine).EnableUser))
	api.Post("/users/:email/password", h.setPassword)
	api.Get("/users/:email/tokens", h.userTokens)
	api.Delete("/users/:email/tokens", h.byEmail((*core.Engine).RevokeUserTokens))
}

func (h *handler) listUsers(c *fiber.Ctx) error {
	offset, err1 := queryInt(c, "offset")
	limit, err2 := queryInt(c, "limit")
	if err1 != nil || err2 != nil {
		return h.failErr(c, errBody("offset and limit must be whole numbers"))
	}
	page, err := h.eng.Users(c.UserContext(), core.UserQuery{Search: c.Query("search"), Offset: offset, Limit: limit})
	if err != nil {
		return h.failErr(c, err)
	}
	return c.JSON(fiber.Map{"users": adapters.DescribeAll(page.Users, adapters.DescribeUser), "total": page.Total,
		"offset": offset})
}

func queryInt(c *fiber.Ctx, key string) (int, error) {
	v := c.Query(key)
	if v == "" {
		return 0, nil
	}
	return strconv.Atoi(v)
}

type userBody struct {
	Email       string    `json:"email"`
	Password    string    `json:"password"`
	FullName    *string   `json:"full_name"`
	FirstName   *string   `json:"first_name"`
	LastName    *string   `json:"last_name"`
	Roles       *[]string `json:"roles"`
	AddRoles    []string  `json:"add_roles"`
	RemoveRoles []string  `json:"remove_roles"`
}

func (h *handler) createUser(c *fiber.Ctx) error {
	var b userBody
	if err := decode(c, &b); err != nil {
		return h.failErr(c, err)
	}
	nu := core.NewUser{Email: b.Email, Password: b.Password}
	deref(&nu.FullName, b.FullName)
	deref(&nu.FirstName, b.FirstName)
	deref(&nu.LastName, b.LastName)
	deref(&nu.Roles, b.Roles)
	u, err := h.eng.CreateUser(c.UserContext(), nu)
	if err != nil {
		return h.failErr(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(adapters.DescribeUser(u))
}

func (h *handler) getUser(c *fiber.Ctx) error {
	return h.userResult(c)(h.eng.User(c.UserContext(), param(c, "email")))
}

func (h *handler) updateUser(c *fiber.Ctx) error {
	var b userBody
	if err := decode(c, &b); err != nil {
		return h.failErr(c, err)
	}
	if b.Email != "" || b.Password != "" {
		return h.failErr(c, errBody("email cannot be changed; set a password with POST …/password"))
	}
	return h.userResult(c)(h.eng.UpdateUser(c.UserContext(), param(c, "email"), core.UserChange{
		FullName: b.FullName, FirstName: b.FirstName, LastName: b.LastName, Roles: b.Roles, AddRoles: b.AddRoles, RemoveRoles: b.RemoveRoles}))
}

func (h *handler) removeUser(c *fiber.Ctx) error {
	if _, err := h.eng.RemoveUser(c.UserContext(), param(c, "email")); err != nil {
		return h.failErr(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *handler) setPassword(c *fiber.Ctx) error {
	var b struct {
		Password string `json:"password"`
	}
	if err := decode(c, &b); err != nil {
		return h.failErr(c, err)
	}
	return h.userResult(c)(h.eng.SetPassword(c.UserContext(), param(c, "email"), b.Password))
}

func (h *handler) userTokens(c *fiber.Ctx) error {
	return h.tokens(c, core.TokenQuery{UserEmail: param(c, "email"), Limit: c.QueryInt("limit")})
}

// byEmail serves an action on the user named in the path that returns the user.
func (h *handler) byEmail(fn func(*core.Engine, context.Context, string) (*models.User, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return h.userResult(c)(fn(h.eng, c.UserContext(), param(c, "email")))
	}
}

func (h *handler) userResult(c *fiber.Ctx) func(*models.User, error) error {
	return func(u *models.User, err error) error {
		if err != nil {
			return h.failErr(c, err)
		}
		return c.JSON(adapters.DescribeUser(u))
	}
}

// deref sets *dst to *v when the body gave v.
func deref[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
