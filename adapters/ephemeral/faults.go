package ephemeral

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Endpoints a fault can target, as the dialects label theirs.
const (
	EndpointToken      = "token"
	EndpointAuthorize  = "authorize"
	EndpointBearer     = "bearer" // an API call checking a bearer token
	EndpointIntrospect = "introspect"
	EndpointRevoke     = "revoke"
)

// Fault kinds.
const (
	KindUnavailable  = "unavailable"   // the dialect's 503, with Retry-After
	KindDelay        = "delay"         // answer normally, after Delay
	KindInvalidGrant = "invalid_grant" // the dialect's invalid_grant (token endpoint only)
	KindDrop         = "drop"          // close the connection without an answer
)

// Targets are what faults can aim at: each dialect's name with the kinds of endpoint it has.
// A fault limited to no dialect ("") aims at every dialect's.
type Targets map[string][]string

var (
	endpoints = []string{EndpointToken, EndpointAuthorize, EndpointBearer, EndpointIntrospect, EndpointRevoke}
	kinds     = []string{KindUnavailable, KindDelay, KindInvalidGrant, KindDrop}
)

// maxDelay bounds a delay fault, which holds a connection (and a graceful stop) that long.
const maxDelay = time.Minute

// Fault is a behaviour for the next Remaining requests to Endpoint in Dialect.
type Fault struct {
	ID         int
	Endpoint   string
	Dialect    string // "": both
	Kind       string
	Remaining  int
	Delay      time.Duration
	RetryAfter time.Duration // unavailable: the Retry-After it answers with (0: 1s)
}

// check validates a fault before it is queued; the error says which field is wrong.
func (f *Fault) check(targets Targets) error {
	aimable, known := targets[f.Dialect]
	switch {
	case !slices.Contains(endpoints, f.Endpoint):
		return fmt.Errorf("endpoint: want one of %v, got %q", endpoints, f.Endpoint)
	case f.Dialect != "" && !known:
		return fmt.Errorf("dialect: want one of %v or none for every dialect, got %q", slices.Sorted(maps.Keys(targets)), f.Dialect)
	case !slices.Contains(kinds, f.Kind):
		return fmt.Errorf("kind: want one of %v, got %q", kinds, f.Kind)
	case f.Kind == KindInvalidGrant && f.Endpoint != EndpointToken:
		return fmt.Errorf("kind: invalid_grant is the token endpoint's answer, not the %s endpoint's", f.Endpoint)
	case f.Dialect != "" && !slices.Contains(aimable, f.Endpoint):
		return fmt.Errorf("endpoint: the %s dialect has no %s endpoint", f.Dialect, f.Endpoint)
	case f.Remaining < 1 || f.Remaining > 1000:
		return fmt.Errorf("count: want 1 to 1000, got %d", f.Remaining)
	case f.Kind == KindDelay && (f.Delay <= 0 || f.Delay > maxDelay):
		return fmt.Errorf("delay: want more than 0s and at most %s, got %s", maxDelay, f.Delay)
	case f.Kind != KindDelay && f.Delay != 0:
		return fmt.Errorf("delay: only for kind delay")
	case f.RetryAfter < 0 || f.RetryAfter > time.Hour:
		return fmt.Errorf("retry_after: want 0s to 1h, got %s", f.RetryAfter)
	case f.Kind != KindUnavailable && f.RetryAfter != 0:
		return fmt.Errorf("retry_after: only for kind unavailable")
	}
	return nil
}

// Faults is the queue. Take costs one atomic load while it is empty.
type Faults struct {
	targets Targets
	mu      sync.Mutex
	queue   []*Fault
	nextID  int
	queued  atomic.Int32 // len(queue), read without the lock
}

// Add queues a checked fault and returns it with its id.
func (q *Faults) Add(f Fault) (Fault, error) {
	if err := f.check(q.targets); err != nil {
		return Fault{}, err
	}
	if f.Kind == KindUnavailable && f.RetryAfter == 0 {
		f.RetryAfter = time.Second
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.nextID++
	f.ID = q.nextID
	q.queue = append(q.queue, &f)
	q.queued.Store(int32(len(q.queue)))
	return f, nil
}

// List returns the queued faults, oldest first.
func (q *Faults) List() []Fault {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]Fault, 0, len(q.queue))
	for _, f := range q.queue {
		out = append(out, *f)
	}
	return out
}

// Clear drops every queued fault.
func (q *Faults) Clear() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = nil
	q.queued.Store(0)
}

// Take returns the oldest fault matching a request to endpoint in dialect and counts the
// request against it (a fault that has served its count leaves the queue); ok is false when
// none matches.
func (q *Faults) Take(endpoint, dialect string) (Fault, bool) {
	if q.queued.Load() == 0 {
		return Fault{}, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, f := range q.queue {
		if f.Endpoint != endpoint || (f.Dialect != "" && f.Dialect != dialect) {
			continue
		}
		f.Remaining--
		taken := *f
		if f.Remaining == 0 {
			q.queue = slices.Delete(q.queue, i, i+1)
			q.queued.Store(int32(len(q.queue)))
		}
		return taken, true
	}
	return Fault{}, false
}
