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
	"oauthd/adapters/ephemeral"
	"oauthd/config"
	"oauthd/core"
	"oauthd/metrics"
	"oauthd/models"
	"oauthd/routes"
)

func (e *env) serve(args []string) error {
	ctx := context.Background()
	cfg, flags, fixtures, err := e.serveSetup(args)
	if err != nil {
		return err
	}
	addrKey := "server.addr"
	if flags.addr != "" {
		addrKey = "--addr"
	}
	socks, err := bind(cfg, addrKey)
	if err != nil {
		return err
	}
	defer socks.close()
	var m *metrics.Metrics
	if socks.metrics != nil {
		m = metrics.New()
		e.observer, e.requests = m, m
	}
	st, eng, err := e.openWith(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := e.provision(ctx, cfg, eng, flags.fixtures, fixtures); err != nil {
		return err
	}
	if m != nil {
		stop, err := e.serveMetrics(socks.metrics, m, st)
		if err != nil {
			return err
		}
		defer stop()
	}
	var ready func(url string) error
	if socks.admin != nil {
		adminURL, stop := e.serveAdmin(socks.admin, eng)
		defer stop()
		if e.kit != nil {
			if ready, err = e.announce(ctx, eng, adminURL); err != nil {
				return err
			}
		}
	}
	ln := socks.server
	base := "http://" + ln.Addr().String()
	if w := issuerWarning(cfg.Server, ln.Addr()); w != "" {
		fmt.Fprintln(e.errOut, "oauthd: "+w)
		slog.Warn("server.issuer not set on a non-loopback address", "addr", ln.Addr().String(), "detail", w)
	}
	for _, w := range deprecationWarnings(cfg.OAuth) {
		fmt.Fprintln(e.errOut, "oauthd: "+w)
		slog.Warn("deprecated setting", "detail", w)
	}
	if flags.demo {
		if err := e.demo(ctx, eng, base); err != nil {
			return err
		}
	}
	follow, stopFollowing := context.WithCancel(ctx)
	defer stopFollowing()
	go eng.FollowRevocations(follow, cfg.OAuth.RevocationPoll)
	go eng.RunQuirkLedger(follow, core.QuirkFlushInterval)
	if e.redis != nil {
		if err := e.redis.Subscribe(follow, eng.Forget); err != nil {
			return err
		}
	}
	return e.run(cfg, eng, ln, base, ready)
}

// provision gives a freshly opened server what it needs before its first request: a signing
// key, the static [[users]] and [[clients]], then the fixtures.
func (e *env) provision(ctx context.Context, cfg *config.Config, eng *core.Engine, path string,
	fixtures *config.Fixtures) error {
	if err := ensureSigningKey(ctx, cfg, eng); err != nil {
		return err
	}
	slog.SetDefault(e.log.Logger)
	if err := applyStatic(ctx, eng, cfg, e.log.Logger); err != nil {
		return err
	}
	if fixtures == nil {
		return nil
	}
	return applyFixtures(ctx, eng, path, fixtures)
}

// serveFlags are serve's own flags.
type serveFlags struct {
	demo, ephemeral, public bool
	addr, fixtures          string
}

// serveSetup reads serve's flags and the configuration they adjust (an ephemeral server's
// settings, the address), and loads the fixtures; nothing is opened yet.
func (e *env) serveSetup(args []string) (*config.Config, serveFlags, *config.Fixtures, error) {
	var f serveFlags
	fs := e.commandFlags("serve")
	fs.BoolVar(&f.demo, "demo", false, "create a demo user and client and print how to try them")
	fs.StringVar(&f.addr, "addr", "", "listen on `HOST:PORT` instead of server.addr (port 0: a free one)")
	fs.BoolVar(&f.ephemeral, "ephemeral", false, "in-memory database and keys, a test clock and faults, a JSON ready line")
	fs.BoolVar(&f.public, "public", false, "let --ephemeral listen beyond loopback")
	fs.StringVar(&f.fixtures, "fixtures", "", "a TOML `FILE` of users, clients, consents and (with --ephemeral) tokens to create")
	if err := parse(fs, args, 0); err != nil {
		return nil, f, nil, err
	}
	if f.public && !f.ephemeral {
		return nil, f, nil, usagef("--public goes with --ephemeral")
	}
	cfg, err := loadConfig(e.configPath)
	if err != nil {
		return nil, f, nil, configError{err}
	}
	if f.addr != "" {
		cfg.Server.Addr = f.addr
	}
	e.logTo = e.out
	if f.ephemeral {
		e.kit, e.newKey = ephemeral.New(routes.FaultTargets()), earlyKey(cfg.OAuth.IDTokenAlg)
		e.logTo = e.errOut // standard output carries the ready line alone
		ephemeralSettings(cfg)
		if err := checkLoopback(cfg, f.public); err != nil {
			return nil, f, nil, err
		}
	}
	fixtures, err := fixturesFor(f.fixtures, f.ephemeral)
	return cfg, f, fixtures, err
}

// announce gives an ephemeral server's admin API a token of its own, in memory like the rest,
// and returns what prints the ready line once the server listens at url.
func (e *env) announce(ctx context.Context, eng *core.Engine, adminURL string) (func(url string) error, error) {
	token, _, err := eng.CreateAdminToken(ctx, "ephemeral")
	if err != nil {
		return nil, fmt.Errorf("admin token: %w", err)
	}
	return func(url string) error {
		line, err := readyLine(url, adminURL, token)
		if err == nil {
			_, err = e.out.Write(line)
		}
		return err
	}, nil
}

// run serves until SIGTERM or SIGINT, then lets in-flight requests finish (up to
// server.shutdown_timeout) and returns nil so the process exits 0. ready, when set, is told
// the URL once the server accepts requests.
func (e *env) run(cfg *config.Config, eng *core.Engine, ln net.Listener, base string, ready func(string) error) error {
	live := adapters.NewLive(cfg)
	app := routes.New(adapters.Deps{Engine: eng, Config: cfg, Log: e.log.Logger, Observe: e.requests, Live: live,
		Ephemeral: e.kit})
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(stop)
	quiet := newQuietListener(ln)
	served := make(chan error, 1)
	go func() { served <- app.Listener(quiet) }()
	watchCtx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	go watchDatabase(watchCtx, eng, e.log.Logger, databaseCheckInterval)
	if e.kit == nil { // an ephemeral server's settings are its command line's, fixed
		e.reloadOnHUP(watchCtx, cfg, eng, live)
	}
	fmt.Fprintf(e.errOut, "oauthd listening on %s (database: %s)\n", base, cfg.Database.Driver)
	e.log.Info("listening", "addr", base, "driver", cfg.Database.Driver, "version", buildVersion())
	if ready != nil {
		if err := ready(base); err != nil {
			return err
		}
	}
	select {
	case err := <-served:
		e.log.Error("serve failed", "error", err.Error())
		return fmt.Errorf("http listener: %w", err)
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
	if cfg.Database.Driver != "sqlite" && cfg.Keys.EncryptionSecret == "" {
		return errNoSecret(cfg.Database.Driver)
	}
	if err := eng.EnsureSigningKey(ctx); err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	return nil
}
