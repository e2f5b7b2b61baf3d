package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"

	"oauthd/adapters"
	"oauthd/config"
	"oauthd/core"
	"oauthd/metrics"
	"oauthd/models"
	"oauthd/routes"
)

func (e *env) serve(args []string) error {
	fs := e.commandFlags("serve")
	demo := fs.Bool("demo", false, "create a demo user and client and print how to try them")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	ctx := context.Background()
	e.logTo = e.out
	cfg, err := config.Load(e.configPath)
	if err != nil {
		return configError{err}
	}
	var m *metrics.Metrics
	if cfg.Metrics.Addr != "" {
		m = metrics.New()
		e.observer, e.requests = m, m
	}
	cfg, store, eng, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := ensureSigningKey(ctx, cfg, eng); err != nil {
		return err
	}
	slog.SetDefault(e.log.Logger)
	if err := applyStatic(ctx, eng, cfg, e.log.Logger); err != nil {
		return err
	}
	if m != nil {
		stop, err := e.serveMetrics(cfg, m, store)
		if err != nil {
			return err
		}
		defer stop()
	}
	if cfg.Admin.Addr != "" {
		stop, err := e.serveAdmin(cfg, eng)
		if err != nil {
			return err
		}
		defer stop()
	}
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Server.Addr, err)
	}
	base := "http://" + ln.Addr().String()
	if w := issuerWarning(cfg.Server, ln.Addr()); w != "" {
		fmt.Fprintln(e.errOut, "oauthd: "+w)
		slog.Warn("server.issuer not set on a non-loopback address", "addr", ln.Addr().String(), "detail", w)
	}
	for _, w := range deprecationWarnings(cfg.OAuth) {
		fmt.Fprintln(e.errOut, "oauthd: "+w)
		slog.Warn("deprecated setting", "detail", w)
	}
	if *demo {
		if err := e.demo(ctx, eng, base); err != nil {
			ln.Close()
			return err
		}
	}
	follow, stopFollowing := context.WithCancel(ctx)
	defer stopFollowing()
	go eng.FollowRevocations(follow, cfg.OAuth.RevocationPoll)
	go eng.RunQuirkLedger(follow, core.QuirkFlushInterval)
	if e.redis != nil {
		if err := e.redis.Subscribe(follow, eng.Forget); err != nil {
			ln.Close()
			return err
		}
	}
	return e.run(cfg, eng, ln, base)
}

// run serves until SIGTERM or SIGINT, then lets in-flight requests finish (up to
// server.shutdown_timeout) and returns nil so the process exits 0.
func (e *env) run(cfg *config.Config, eng *core.Engine, ln net.Listener, base string) error {
	live := adapters.NewLive(cfg)
	app := routes.New(adapters.Deps{Engine: eng, Config: cfg, Log: e.log.Logger, Observe: e.requests, Live: live})
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(stop)
	quiet := newQuietListener(ln)
	served := make(chan error, 1)
	go func() { served <- app.Listener(quiet) }()
	watchCtx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	go watchDatabase(watchCtx, eng, e.log.Logger, databaseCheckInterval)
	go e.reloadOnHUP(watchCtx, cfg, eng, live)
	fmt.Fprintf(e.errOut, "oauthd listening on %s (database: %s)\n", base, cfg.Database.Driver)
	e.log.Info("listening", "addr", base, "driver", cfg.Database.Driver, "version", buildVersion())
	select {
	case err := <-served:
		e.log.Error("serve failed", "error", err.Error())
		return fmt.Errorf("serve: %w", err)
	case <-stop:
	}
	fmt.Fprintln(e.errOut, "oauthd shutting down")
	e.log.Info("shutting down", "timeout", cfg.Server.ShutdownTimeout.String())
	err := shutdown(app, quiet, cfg.Server.ShutdownTimeout)
	if ferr := eng.FlushQuirks(context.Background()); ferr != nil { // the uses counted since the last flush
		e.log.Error("quirk ledger: last flush failed; its counts are lost", "error", ferr.Error())
	}
	e.log.Info("stopped")
	return err
}

// shutdown stops accepting, closes connections that never sent a request, and waits up to
// timeout for the requests in flight.
func shutdown(app *fiber.App, quiet *quietListener, timeout time.Duration) error {
	if err := quiet.Close(); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- app.ShutdownWithTimeout(timeout) }()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		quiet.closeQuiet() // again each tick: Accept may have handed one out just before Close
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("shutdown: %w", err)
			}
			return nil
		case <-tick.C:
		}
	}
}

// Demo credentials, printed on start so a newcomer can try a flow at once.
const (
	demoEmail    = "demo@example.com"
	demoPassword = "demo-password"
	demoClientID = "demo-client"
	demoRedirect = "http://127.0.0.1:9000/callback"
)

// demo creates the demo user and client if absent and prints the authorize URLs of both
// dialects. The client is
// confidential (its secret by HTTP Basic or in the body); its secret is printed only when the client is created.
func (e *env) demo(ctx context.Context, eng *core.Engine, base string) error {
	if _, err := eng.UserByEmail(ctx, demoEmail); errors.Is(err, models.ErrNotFound) {
		if _, err := eng.CreateUser(ctx, core.NewUser{Email: demoEmail, Password: demoPassword,
			FullName: "Demo User", Roles: []string{"System Manager"}}); err != nil {
			return fmt.Errorf("demo user: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("demo user: %w", err)
	}
	secret := "(unchanged: shown when the client was created; `oauthd client rotate-secret demo-client` makes a new one)"
	if _, err := eng.ClientByID(ctx, demoClientID); errors.Is(err, models.ErrNotFound) {
		_, s, err := eng.CreateClient(ctx, core.NewClient{ID: demoClientID, Name: "Demo App",
			RedirectURIs: []string{demoRedirect}, OwnerEmail: demoEmail,
			GrantTypes:      []string{core.GrantAuthorizationCode, core.GrantRefreshToken, core.GrantClientCredentials},
			RefreshRotation: new(true)})
		if err != nil {
			return fmt.Errorf("demo client: %w", err)
		}
		secret = s
	} else if err != nil {
		return fmt.Errorf("demo client: %w", err)
	}
	q := url.Values{"client_id": {demoClientID}, "response_type": {"code"}, "redirect_uri": {demoRedirect},
		"scope": {"all openid"}, "state": {"demo-state"}}
	fmt.Fprintf(e.out, "demo user:     %s / %s\ndemo client:   %s\nclient secret: %s\nredirect uri:  %s\n"+
		"authorize:     %s\nodoo authorize: %s\n",
		demoEmail, demoPassword, demoClientID, secret, demoRedirect,
		base+"/api/method/frappe.integrations.oauth2.authorize?"+q.Encode(),
		base+"/restapi/1.0/common/oauth2/authorize?"+q.Encode())
	return nil
}

// ensureSigningKey makes sure an id_token signing key exists before the first request.
func ensureSigningKey(ctx context.Context, cfg *config.Config, eng *core.Engine) error {
	if cfg.Database.Driver == "mysql" && cfg.Keys.EncryptionSecret == "" {
		return errNoSecretMySQL
	}
	if err := eng.EnsureSigningKey(ctx); err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	return nil
}
