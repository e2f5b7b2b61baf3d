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
	"oauthd/core"
)

// admin runs `oauthd admin token create|list|revoke`.
func (e *env) admin(args []string) error {
	return e.group("admin", args, map[string]func([]string) error{"token": func(args []string) error {
		return e.group("admin token", args, map[string]func([]string) error{
			"create": e.adminTokenCreate, "list": e.adminTokenList, "revoke": e.adminTokenRevoke})
	}})
}

func (e *env) adminTokenCreate(args []string) error {
	fs := e.commandFlags("admin token create")
	name := fs.String("name", "", "what the token is for (`NAME`), e.g. ci or alice")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *name == "" {
		return usagef("needs --name")
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		token, t, err := eng.CreateAdminToken(ctx, *name)
		if err != nil {
			return err
		}
		return json.NewEncoder(e.out).Encode(map[string]any{"name": t.Name, "token": token})
	})
}

func (e *env) adminTokenList(args []string) error {
	fs := e.commandFlags("admin token list")
	format := formatFlag(fs)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	columns := []string{"name", "created_at", "last_used_at"}
	return e.printList(*format, columns, func(ctx context.Context, eng *core.Engine, add func(any) error) error {
		ts, err := eng.AdminTokens(ctx)
		for i := 0; err == nil && i < len(ts); i++ {
			err = add(map[string]any{"name": ts[i].Name, "created_at": ts[i].CreatedAt, "last_used_at": ts[i].LastUsedAt})
		}
		return err
	})
}

func (e *env) adminTokenRevoke(args []string) error {
	fs := e.commandFlags("admin token revoke")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	name := fs.Arg(0)
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		if err := eng.RevokeAdminToken(ctx, name); err != nil {
			return err
		}
		return json.NewEncoder(e.out).Encode(map[string]any{"name": name, "revoked": true})
	})
}

// serveAdmin serves the admin API on ln and returns its URL; stop shuts it down.
func (e *env) serveAdmin(ln net.Listener, eng *core.Engine) (url string, stop func()) {
	app := admin.New(eng, e.log.Logger, e.kit)
	go func() {
		if err := app.Listener(ln); err != nil && !errors.Is(err, net.ErrClosed) {
			e.log.Error("admin listener failed", "error", err.Error())
		}
	}()
	fmt.Fprintf(e.errOut, "oauthd admin on http://%s/\n", ln.Addr())
	e.log.Info("admin listening", "addr", ln.Addr().String())
	return "http://" + ln.Addr().String(), func() { shutdownApp(app, 5*time.Second) }
}

func shutdownApp(app *fiber.App, timeout time.Duration) { _ = app.ShutdownWithTimeout(timeout) }
