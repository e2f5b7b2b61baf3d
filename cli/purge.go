package cli

import (
	"context"
	"encoding/json"
	"time"
)

// purge deletes what expired or was revoked more than --older-than ago; run it from cron.
func (e *env) purge(args []string) error {
	fs := e.commandFlags("purge")
	age := fs.Duration("older-than", 30*24*time.Hour, "age past expiry or revocation")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	ctx := context.Background()
	_, store, eng, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	p, err := eng.Purge(ctx, *age)
	if err != nil {
		return err
	}
	return json.NewEncoder(e.out).Encode(p)
}
