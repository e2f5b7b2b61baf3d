package routes_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"oauthd/models"
)

// The floor of a database-backed bearer check: a bare Fiber app that hashes the bearer token
// with SHA-256 and reads one row by primary key through GORM, on the same database, pool and
// GORM settings as oauthd in the same run. Bearer rows are compared with it (scripts/bench.sh).

// The benchmarks themselves sit in bench_test.go right before the bearer rows, so that each
// pair runs back to back on a host whose load moves.

func benchFloor(b *testing.B, driver string) {
	e := newBenchEnv(b, driver)
	c, _ := e.client(b, false)
	token := e.accessToken(b, c)
	db := e.st.DB()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/floor", func(ctx *fiber.Ctx) error {
		plain, ok := strings.CutPrefix(ctx.Get(fiber.HeaderAuthorization), "Bearer ")
		if !ok {
			return ctx.SendStatus(fiber.StatusUnauthorized)
		}
		sum := sha256.Sum256([]byte(plain))
		var t models.Token
		if err := db.WithContext(ctx.UserContext()).Where("id = ?", hex.EncodeToString(sum[:])).Take(&t).Error; err != nil {
			return ctx.SendStatus(fiber.StatusUnauthorized)
		}
		return ctx.JSON(fiber.Map{"message": t.UserID})
	})
	base, client := benchServe(b, app)
	url := base + "/floor"
	e.timed(b, func() {
		parallel(b, func(buf *bytes.Buffer) error {
			if err := get(client, url, token, buf); err != nil {
				return err
			}
			if !bytes.Contains(buf.Bytes(), []byte(fmt.Sprint(e.user.ID))) {
				return fmt.Errorf("floor: %.200s", buf.Bytes())
			}
			return nil
		})
	})
}
