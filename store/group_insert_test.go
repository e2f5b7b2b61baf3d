package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"oauthd/models"
)

// groupStore is a SQLite store with one client ("app") owned by user 1, and a count of the
// statements that inserted tokens.
type groupStore struct {
	*Store
	inserts atomic.Int64
}

func openGroupStore(t *testing.T) *groupStore {
	t.Helper()
	s, err := Open("sqlite", filepath.Join(t.TempDir(), "group.db"), Options{MaxOpenConns: 4, MaxIdleConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := t.Context()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u := &models.User{Email: "owner@example.com", Enabled: true, Subject: "s1"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateClient(ctx, &models.Client{ID: "app", OwnerID: &u.ID}); err != nil {
		t.Fatal(err)
	}
	g := &groupStore{Store: s}
	count := func(db *gorm.DB) {
		if strings.HasPrefix(db.Statement.SQL.String(), "INSERT INTO tokens") {
			g.inserts.Add(1)
		}
	}
	cb := s.w.Callback()
	if err := errors.Join(cb.Raw().After("gorm:raw").Register("test:count", count),
		cb.Row().After("gorm:row").Register("test:count", count)); err != nil {
		t.Fatal(err)
	}
	return g
}

func groupToken(n int, client string) *models.Token {
	return &models.Token{ID: fmt.Sprintf("%064x", n), Kind: models.KindAccess, GrantID: fmt.Sprintf("g%d", n),
		ClientID: client, UserID: 1, Scope: "all", IssuedAt: 1000, ExpiresAt: 5000}
}

type insertOutcome struct {
	ok  bool
	err error
}

// queued runs CreateTokenForClient for ts while the write connection is held, so that the first
// one leads alone and waits for the connection, and the others queue behind it; it then frees
// the connection and returns each call's outcome, in the order of ts.
func (g *groupStore) queued(t *testing.T, ctxs []context.Context, ts []*models.Token) []insertOutcome {
	t.Helper()
	held, release := make(chan struct{}), make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- g.w.Connection(func(*gorm.DB) error { close(held); <-release; return nil })
	}()
	<-held
	out := make([]insertOutcome, len(ts))
	var wg sync.WaitGroup
	for i, tok := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					out[i].err = fmt.Errorf("panic: %v", p)
				}
			}()
			out[i].ok, out[i].err = g.CreateTokenForClient(ctxs[i], tok)
		}()
		if i == 0 { // the leader has taken its group of one and waits for the connection
			g.waitQueue(t, func(n int, leading bool) bool { return leading && n == 0 })
		}
	}
	g.waitQueue(t, func(n int, _ bool) bool { return n == len(ts)-1 })
	close(release)
	wg.Wait()
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	return out
}

func (g *groupStore) waitQueue(t *testing.T, done func(queued int, leading bool) bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		g.tokens.mu.Lock()
		n, leading := len(g.tokens.queue), g.tokens.leading
		g.tokens.mu.Unlock()
		if done(n, leading) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue never reached the expected state: %d queued, leading %v", n, leading)
		}
	}
}

func (g *groupStore) tokenExists(t *testing.T, id string) bool {
	t.Helper()
	var n int64
	if err := g.db.Model(&Token{}).Where("id = ?", id).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func contexts(n int) []context.Context {
	out := make([]context.Context, n)
	for i := range out {
		out[i] = context.Background()
	}
	return out
}

// Inserts that wait together are written by one statement each group (at most maxGroup rows),
// and every caller gets its own row.
func TestGroupInsertWritesWaitingInsertsTogether(t *testing.T) {
	g := openGroupStore(t)
	n := maxGroup + 6 // the leader alone, then a full group, then the rest
	ts := make([]*models.Token, n+1)
	for i := range ts {
		ts[i] = groupToken(i, "app")
	}
	for i, o := range g.queued(t, contexts(len(ts)), ts) {
		if !o.ok || o.err != nil {
			t.Errorf("insert %d = %v, %v; want true, nil", i, o.ok, o.err)
		}
		if !g.tokenExists(t, ts[i].ID) {
			t.Errorf("token %d is missing", i)
		}
	}
	if got := g.inserts.Load(); got != 3 {
		t.Errorf("%d insert statements for %d tokens, want 3 (1 + %d + 6)", got, len(ts), maxGroup)
	}
}

// A row whose client is gone is left out of its group without failing the others, as it is
// alone; a duplicate id fails the group statement, and the rows are then written one by one,
// each caller getting the outcome it would have had alone.
func TestGroupInsertFailuresStayWithTheirCaller(t *testing.T) {
	g := openGroupStore(t)
	taken := groupToken(100, "app")
	if ok, err := g.CreateTokenForClient(t.Context(), taken); !ok || err != nil {
		t.Fatalf("first insert = %v, %v", ok, err)
	}
	before := g.inserts.Load()

	gone := []*models.Token{groupToken(0, "app"), groupToken(1, "app"), groupToken(2, "removed-app"), groupToken(3, "app")}
	out := g.queued(t, contexts(len(gone)), gone)
	for i, o := range out {
		want := insertOutcome{ok: gone[i].ClientID == "app"}
		if o != want || g.tokenExists(t, gone[i].ID) != want.ok {
			t.Errorf("missing client, insert %d = %+v (row %v); want %+v", i, o, g.tokenExists(t, gone[i].ID), want)
		}
	}
	if got := g.inserts.Load() - before; got != 2 {
		t.Errorf("missing client: %d insert statements, want 2 (the leader, then one group)", got)
	}

	before = g.inserts.Load()
	dup := &models.Token{ID: taken.ID, Kind: models.KindAccess, GrantID: "g-dup", ClientID: "app", UserID: 1, Scope: "all"}
	mixed := []*models.Token{groupToken(10, "app"), groupToken(11, "app"), dup, groupToken(12, "removed-app"), groupToken(13, "app")}
	out = g.queued(t, contexts(len(mixed)), mixed)
	for i, o := range out {
		switch {
		case mixed[i] == dup:
			if o.ok || !errors.Is(o.err, ErrConflict) {
				t.Errorf("duplicate id = %+v, want ErrConflict", o)
			}
		case mixed[i].ClientID != "app":
			if o.ok || o.err != nil || g.tokenExists(t, mixed[i].ID) {
				t.Errorf("missing client in a failed group = %+v, want false, nil and no row", o)
			}
		case !o.ok || o.err != nil || !g.tokenExists(t, mixed[i].ID):
			t.Errorf("insert %d in a failed group = %+v (row %v), want its row", i, o, g.tokenExists(t, mixed[i].ID))
		}
	}
	if got, want := g.inserts.Load()-before, int64(1+1+len(mixed)-1); got != want {
		t.Errorf("failed group: %d insert statements, want %d (leader, group, then one each)", got, want)
	}
}

// A caller whose context ended while it waited gets that error and no row; the others of its
// group are written.
func TestGroupInsertSkipsCancelledCallers(t *testing.T) {
	g := openGroupStore(t)
	ts := []*models.Token{groupToken(0, "app"), groupToken(1, "app"), groupToken(2, "app"), groupToken(3, "app")}
	ctxs := contexts(len(ts))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	ctxs[2] = cancelled
	for i, o := range g.queued(t, ctxs, ts) {
		if i == 2 {
			if o.ok || !errors.Is(o.err, context.Canceled) || g.tokenExists(t, ts[i].ID) {
				t.Errorf("cancelled caller = %+v, want context.Canceled and no row", o)
			}
			continue
		}
		if !o.ok || o.err != nil || !g.tokenExists(t, ts[i].ID) {
			t.Errorf("insert %d = %+v, want its row", i, o)
		}
	}
}

// Under real concurrency every caller gets its row, and a caller returns only once its row is
// committed: another connection (the read pool) sees it at once.
func TestGroupInsertConcurrentCallersSeeTheirRows(t *testing.T) {
	g := openGroupStore(t)
	const writers, each = 32, 20
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				tok := groupToken(w*each+i, "app")
				ok, err := g.CreateTokenForClient(context.Background(), tok)
				if !ok || err != nil {
					errs <- fmt.Errorf("insert %s = %v, %v", tok.ID, ok, err)
					return
				}
				var n int64
				if err := g.db.Model(&Token{}).Where("id = ?", tok.ID).Count(&n).Error; err != nil || n != 1 {
					errs <- fmt.Errorf("token %s not visible to the read pool on return (%d rows, %v)", tok.ID, n, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int64
	g.db.Model(&Token{}).Count(&n)
	if n != writers*each {
		t.Errorf("%d tokens, want %d", n, writers*each)
	}
	t.Logf("%d tokens in %d insert statements", n, g.inserts.Load())
}

// A panic while a group is written (recovered by the HTTP server) fails that group and not the
// inserts after it: the lead is still handed over.
func TestGroupInsertSurvivesAPanic(t *testing.T) {
	g := openGroupStore(t)
	boom := groupToken(666, "app")
	err := g.w.Callback().Row().Before("gorm:row").Register("test:panic", func(db *gorm.DB) {
		for _, v := range db.Statement.Vars {
			if v == boom.ID {
				panic("driver exploded")
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := []*models.Token{groupToken(0, "app"), groupToken(1, "app"), boom, groupToken(2, "app")}
	panics := 0
	for i, o := range g.queued(t, contexts(len(ts)), ts)[1:] { // [0] led alone and wrote its row
		switch {
		case o.err != nil && strings.Contains(o.err.Error(), "driver exploded"):
			panics++ // the group's leader, whichever queued first
		case o.ok || !errors.Is(o.err, errNotWritten):
			t.Errorf("insert %d of the panicking group = %+v, want errNotWritten", i+1, o)
		}
	}
	if panics != 1 {
		t.Errorf("%d callers saw the panic, want its group's leader only", panics)
	}
	after := groupToken(3, "app")
	if ok, err := g.CreateTokenForClient(t.Context(), after); !ok || err != nil {
		t.Errorf("insert after the panic = %v, %v; want true, nil", ok, err)
	}
}
