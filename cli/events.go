package cli

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"oauthd/core"
)

// databaseCheckInterval is how often serve pings the database to log outages.
const databaseCheckInterval = 5 * time.Second

// watchDatabase logs when the database stops answering and when it answers again, once per
// change, until ctx ends.
func watchDatabase(ctx context.Context, eng *core.Engine, log *slog.Logger, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	up, since := true, time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		pctx, cancel := context.WithTimeout(ctx, every)
		err := eng.Ping(pctx)
		cancel()
		switch {
		case err != nil && up:
			up, since = false, time.Now()
			log.Error("database unreachable", "error", err.Error())
		case err == nil && !up:
			log.Info("database reachable again", "outage_ms", time.Since(since).Milliseconds())
			up = true
		}
	}
}

// buildVersion is the module version from build info ("(devel)" for a plain go build).
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Main.Version
	}
	return "unknown"
}

// versionLine says which build this is: version, commit (when built from a checkout with VCS
// stamping) and Go version.
func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "oauthd unknown"
	}
	commit, modified := "unknown", ""
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+modified"
			}
		}
	}
	return fmt.Sprintf("oauthd %s commit %s%s %s", bi.Main.Version, commit, modified, bi.GoVersion)
}
