// Package ephemeral holds what `serve --ephemeral` adds for test suites: a clock the admin
// API moves (the engine reads every time through it) and a queue of faults the routes apply
// to the next matching requests. A server started without --ephemeral has neither.
package ephemeral

import (
	"sync/atomic"
	"time"
)

// Kit is the test clock and the fault queue of one ephemeral server.
type Kit struct {
	Clock  *Clock
	Faults *Faults
}

// New returns a kit whose clock reads the real time until it is moved, and whose faults aim
// at targets.
func New(targets Targets) *Kit { return &Kit{Clock: &Clock{}, Faults: &Faults{targets: targets}} }

// Clock is the real time plus an offset that only grows: tokens expire, codes lapse and
// reuse intervals pass when a test moves it, without the test sleeping.
type Clock struct{ offset atomic.Int64 }

// Now is the moved time; it is the engine's Options.Clock.
func (c *Clock) Now() time.Time { return time.Now().Add(c.Offset()) }

// Offset is how far the clock has been moved.
func (c *Clock) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// Advance moves the clock forward by d and returns the new time. Going back would let an
// expired token live again, which no real server does.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.offset.Add(int64(d))
	return c.Now()
}
