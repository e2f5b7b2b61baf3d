package core

import (
	"cmp"
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"oauthd/models"
)

// QuirkFlushInterval is how often RunQuirkLedger writes the counted quirk uses to the
// database and rereads which clients refuse which quirks.
const QuirkFlushInterval = 5 * time.Second

// quirkLedger counts quirk uses per client and quirk in memory, so that counting costs a
// request no database write: RunQuirkLedger adds the counts to the database in one statement
// every QuirkFlushInterval, and serve once more at shutdown. Only registered clients are
// counted (every use is noted after its client was found), which bounds the map.
type quirkLedger struct {
	mu     sync.Mutex
	counts map[quirkKey]*quirkCount
	// refused is what each client refuses, for the bearer check, which reads no client row:
	// loaded on first need, reread every flush and after a change made here.
	refused atomic.Pointer[map[string]Quirks]
	loading sync.Mutex
	// flushing is held while counts move from memory to the database, so that a reader of
	// both sees each count once.
	flushing sync.Mutex
}

type quirkKey struct {
	clientID string
	quirk    Quirks
}

type quirkCount struct {
	uses, refused, first, last int64
}

// add counts one use at now (Unix seconds).
func (l *quirkLedger) add(clientID string, q Quirks, refused bool, now int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts == nil {
		l.counts = map[quirkKey]*quirkCount{}
	}
	k := quirkKey{clientID, q}
	c := l.counts[k]
	if c == nil {
		c = &quirkCount{first: now}
		l.counts[k] = c
	}
	c.uses++
	if refused {
		c.refused++
	}
	c.last = now
}

// pending copies the counts not yet written; with take, it also forgets them.
func (l *quirkLedger) pending(take bool) map[quirkKey]quirkCount {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[quirkKey]quirkCount, len(l.counts))
	for k, c := range l.counts {
		out[k] = *c
	}
	if take {
		l.counts = nil
	}
	return out
}

// putBack returns counts a failed flush could not write, adding them to those counted since.
func (l *quirkLedger) putBack(counts map[quirkKey]quirkCount) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts == nil {
		l.counts = map[quirkKey]*quirkCount{}
	}
	for k, c := range counts {
		if cur := l.counts[k]; cur != nil {
			cur.uses, cur.refused, cur.first, cur.last = cur.uses+c.uses, cur.refused+c.refused,
				min(cur.first, c.first), max(cur.last, c.last)
			continue
		}
		l.counts[k] = &c
	}
}

// forget drops a removed client's counts.
func (l *quirkLedger) forget(clientID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	maps.DeleteFunc(l.counts, func(k quirkKey, _ *quirkCount) bool { return k.clientID == clientID })
}

// lines turns counts into ledger rows.
func lines(counts map[quirkKey]quirkCount) []models.ClientQuirk {
	out := make([]models.ClientQuirk, 0, len(counts))
	for k, c := range counts {
		out = append(out, models.ClientQuirk{ClientID: k.clientID, Quirk: k.quirk.String(), Uses: c.uses,
			Refused: c.refused, FirstSeen: c.first, LastSeen: c.last})
	}
	return out
}

// noteQuirks counts a request's quirk uses for its client: each use once, and refused those
// of them it refused.
func (e *Engine) noteQuirks(clientID string, used, refused Quirks) {
	if used == 0 {
		return
	}
	now := e.now().Unix()
	used.each(func(one Quirks, info quirkInfo) {
		e.ledger.add(clientID, one, refused&one != 0, now)
		e.obs.ClientQuirk(clientID, info.name, refused&one != 0)
	})
}

// useQuirks decides the quirks a request of client c used, counts them, and returns the
// refusal of the first one c may not use.
func (e *Engine) useQuirks(c *models.Client, used Quirks) *Error {
	if used == 0 {
		return nil // most requests: nothing to decide, nothing to count
	}
	return e.decideQuirks(c.ID, AllowedQuirks(c), used)
}

// heldQuirks is useQuirks for a request that presents a token (a bearer check, a revocation
// or an introspection by whoever holds it), which knows the token's client and what it
// refuses but not its row: only harmless quirks arrive there, so that is all it needs.
func (e *Engine) heldQuirks(clientID string, refused, used Quirks) *Error {
	if used == 0 {
		return nil
	}
	return e.decideQuirks(clientID, harmlessQuirks&^refused, used)
}

// decideQuirks counts the uses and returns the refusal of the first quirk not allowed.
func (e *Engine) decideQuirks(clientID string, allowed, used Quirks) *Error {
	e.noteQuirks(clientID, used, used&^allowed)
	return refusal(used, allowed)
}

// refusedBy is what a client refuses, from the in-memory copy: the bearer check reads no
// client row.
func (e *Engine) refusedBy(ctx context.Context, clientID string) Quirks {
	m := e.ledger.refused.Load()
	if m == nil {
		e.loadRefusals(ctx)
		m = e.ledger.refused.Load()
	}
	return (*m)[clientID]
}

// loadRefusals rereads which clients refuse which quirks. When the database does not answer,
// the copy stays as it was (empty at first) and the next flush tries again.
func (e *Engine) loadRefusals(ctx context.Context) {
	e.ledger.loading.Lock()
	defer e.ledger.loading.Unlock()
	rows, err := e.store.RefusedQuirks(ctx)
	if err != nil {
		slog.Warn("quirk ledger: cannot read refused quirks", "err", err)
		if e.ledger.refused.Load() == nil {
			e.ledger.refused.Store(&map[string]Quirks{})
		}
		return
	}
	m := make(map[string]Quirks, len(rows))
	for id, names := range rows {
		m[id] = storedQuirks(names)
	}
	e.ledger.refused.Store(&m)
}

// FlushQuirks adds the counts so far to the database; counts it could not write are kept for
// the next flush.
func (e *Engine) FlushQuirks(ctx context.Context) error {
	e.ledger.flushing.Lock()
	defer e.ledger.flushing.Unlock()
	counts := e.ledger.pending(true)
	if len(counts) == 0 {
		return nil
	}
	if err := e.store.AddClientQuirks(ctx, lines(counts)); err != nil {
		e.ledger.putBack(counts)
		return unavailable(err)
	}
	return nil
}

// RunQuirkLedger flushes the quirk counts and rereads the refused quirks every interval until
// ctx ends. The caller flushes a last time after the server stopped taking requests.
func (e *Engine) RunQuirkLedger(ctx context.Context, every time.Duration) {
	e.loadRefusals(ctx)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := e.FlushQuirks(ctx); err != nil {
			slog.Warn("quirk ledger: flush failed; the counts are kept for the next one", "err", err)
		}
		e.loadRefusals(ctx)
	}
}

// QuirkLine is one line of the quirk ledger as an operator reads it.
type QuirkLine struct {
	ClientID  string
	Quirk     string
	Uses      int64
	Refused   int64
	FirstSeen time.Time
	LastSeen  time.Time
}

// QuirkLedger reads the ledger of one client (or of every client, for ""), with this
// instance's counts not yet written added in, ordered by client and quirk.
func (e *Engine) QuirkLedger(ctx context.Context, clientID string) ([]QuirkLine, error) {
	if clientID != "" {
		if _, err := e.Client(ctx, clientID); err != nil {
			return nil, err
		}
	}
	e.ledger.flushing.Lock()
	stored, err := e.store.ClientQuirks(ctx, clientID)
	pending := lines(e.ledger.pending(false))
	e.ledger.flushing.Unlock()
	if err != nil {
		return nil, unavailable(err)
	}
	pending = slices.DeleteFunc(pending, func(l models.ClientQuirk) bool { return clientID != "" && l.ClientID != clientID })
	return sumLines(append(stored, pending...)), nil
}

// sumLines adds up the rows of each client and quirk, ordered by client and quirk.
func sumLines(rows []models.ClientQuirk) []QuirkLine {
	sums := map[[2]string]*models.ClientQuirk{}
	for i := range rows {
		r := &rows[i]
		key := [2]string{r.ClientID, r.Quirk}
		if s := sums[key]; s != nil {
			s.Uses, s.Refused = s.Uses+r.Uses, s.Refused+r.Refused
			s.FirstSeen, s.LastSeen = min(s.FirstSeen, r.FirstSeen), max(s.LastSeen, r.LastSeen)
			continue
		}
		sums[key] = r
	}
	out := make([]QuirkLine, 0, len(sums))
	for _, l := range sums {
		out = append(out, QuirkLine{ClientID: l.ClientID, Quirk: l.Quirk, Uses: l.Uses, Refused: l.Refused,
			FirstSeen: time.Unix(l.FirstSeen, 0).UTC(), LastSeen: time.Unix(l.LastSeen, 0).UTC()})
	}
	slices.SortFunc(out, func(a, b QuirkLine) int {
		return cmp.Or(cmp.Compare(a.ClientID, b.ClientID), cmp.Compare(a.Quirk, b.Quirk))
	})
	return out
}
