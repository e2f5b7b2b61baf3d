package core

import (
	"context"

	"oauthd/models"
)

// SessionUser returns the enabled user of a live session, or an invalid_token error: the
// tests' short way to ask whether a session id still logs someone in.
func (e *Engine) SessionUser(ctx context.Context, sid string) (*models.User, error) {
	s, err := e.liveSession(ctx, sid)
	if err != nil {
		return nil, err
	}
	return &s.User, nil
}
