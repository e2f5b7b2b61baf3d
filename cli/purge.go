package cli

import (
	"context"
	"encoding/json"
	"time"

	"oauthd/core"
)

// purge deletes what expired or was revoked more than --older-than ago; run it from cron.
func (e *env) purge(args []string) error {
	fs := e.commandFlags("purge")
	age := fs.Duration("older-than", 30*24*time.Hour, "delete what expired or was revoked longer than `AGE` ago")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		p, err := eng.Purge(ctx, *age)
		if err != nil {
			return err
		}
		return json.NewEncoder(e.out).Encode(p)
	})
}
