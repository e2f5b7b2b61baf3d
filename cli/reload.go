package cli

import (
	"context"
	"os"
	"os/signal"
	"reflect"
	"syscall"

	"oauthd/adapters"
	"oauthd/config"
	"oauthd/core"
)

// reloadOnHUP rereads the configuration at each SIGHUP until ctx ends and applies what can
// change safely in a running process: the log level, the static [[users]] and [[clients]], and
// cors.allowed_origins.
// Every other changed section is logged as needing a restart, so a reload never half-applies
// a listener or database change. A configuration that no longer loads changes nothing.
// The signal is caught from the call on, before the goroutine runs: a SIGHUP sent as soon as
// the server says it listens must not find the default action (exit) still in place.
func (e *env) reloadOnHUP(ctx context.Context, running *config.Config, eng *core.Engine, live *adapters.Live) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go e.reloadEach(ctx, hup, running, eng, live)
}

func (e *env) reloadEach(ctx context.Context, hup chan os.Signal, running *config.Config, eng *core.Engine,
	live *adapters.Live) {
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		next, err := loadConfig(e.configPath)
		if err != nil {
			e.log.Error("reload failed: configuration kept", "error", err.Error())
			continue
		}
		live.SetCORSOrigins(next.CORS.AllowedOrigins)
		if err := applyStatic(ctx, eng, next, e.log.Logger); err != nil {
			e.log.Error("reload: static setup failed", "error", err.Error())
		}
		// said before the new level applies, so that a quieter level does not hide it
		e.log.Info("reloaded", "log_level", next.Log.Level, "static_users", len(next.Users),
			"static_clients", len(next.Clients))
		if err := e.log.SetLevel(next.Log.Level); err != nil {
			e.log.Error("reload: log level kept", "error", err.Error())
		}
		for _, section := range changedSections(running, next) {
			e.log.Warn("reload: changed section needs a restart", "section", section)
		}
	}
}

// changedSections names the sections that differ, apart from those a reload applies.
func changedSections(a, b *config.Config) []string {
	va, vb := reflect.ValueOf(*a), reflect.ValueOf(*b)
	var changed []string
	for i := range va.NumField() {
		name := va.Type().Field(i).Name
		switch name {
		case "Users", "Clients", "CORS":
			continue
		case "Log":
			if a.Log.Format != b.Log.Format {
				changed = append(changed, "log.format")
			}
			continue
		}
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			changed = append(changed, name)
		}
	}
	return changed
}
