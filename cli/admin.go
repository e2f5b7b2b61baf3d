package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters/admin"
	"oauthd/config"
	"oauthd/core"
)

// admin runs `oauthd admin token create|list|revoke`.
func (e *env) admin(args []string) error {
	if len(args) < 2 || args[0] != "token" {
		return fmt.Errorf("%w: admin takes token create, token list or token revoke", errUsage)
	}
	switch cmd, rest := args[1], args[2:]; cmd {
	case "create":
		fs := e.commandFlags("admin token create")
		name := fs.String("name", "", "what the token is for, e.g. ci or alice")
		if err := parse(fs, rest, 0); err != nil {
			return err
		}
		if *name == "" {
			return fmt.Errorf("%w: admin token create needs --name", errUsage)
		}
		return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
			token, t, err := eng.CreateAdminToken(ctx, *name)
			if err != nil {
				return err
			}
			return json.NewEncoder(e.out).Encode(map[string]any{"name": t.Name, "token": token})
		})
	case "list":
		fs := e.commandFlags("admin token list")
		if err := parse(fs, rest, 0); err != nil {
			return err
		}
		return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
			ts, err := eng.AdminTokens(ctx)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(e.out)
			for _, t := range ts {
				if err := enc.Encode(map[string]any{"name": t.Name, "created_at": t.CreatedAt,
					"last_used_at": t.LastUsedAt}); err != nil {
					return err
				}
			}
			return nil
		})
	case "revoke":
		fs := e.commandFlags("admin token revoke")
		name, err := parseOne(fs, rest)
		if err != nil {
			return err
		}
		return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
			if err := eng.RevokeAdminToken(ctx, name); err != nil {
				return err
			}
			return json.NewEncoder(e.out).Encode(map[string]any{"name": name, "revoked": true})
		})
	default:
		return fmt.Errorf("%w: unknown admin token command %q", errUsage, cmd)
	}
}

// serveAdmin starts the admin listener and returns its URL; stop shuts it down.
func (e *env) serveAdmin(cfg *config.Config, eng *core.Engine) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", cfg.Admin.Addr)
	if err != nil {
		return "", nil, fmt.Errorf("admin: listen on %s: %w", cfg.Admin.Addr, err)
	}
	app := admin.New(eng, e.log.Logger, e.kit)
	go func() {
		if err := app.Listener(ln); err != nil && !errors.Is(err, net.ErrClosed) {
			e.log.Error("admin listener failed", "error", err.Error())
		}
	}()
	fmt.Fprintf(e.errOut, "oauthd admin on http://%s/\n", ln.Addr())
	e.log.Info("admin listening", "addr", ln.Addr().String())
	return "http://" + ln.Addr().String(), func() { shutdownApp(app, 5*time.Second) }, nil
}

func shutdownApp(app *fiber.App, timeout time.Duration) { _ = app.ShutdownWithTimeout(timeout) }
