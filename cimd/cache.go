package cimd

import (
	"container/list"
	"context"
	"strings"
	"sync"
	"time"
)

// cache holds fetched documents and failures, least recently used first out beyond its size,
// each until its own expiry. A URL being fetched has an entry whose ready channel closes when
// the fetch ends, so that concurrent requests wait for that one fetch instead of starting
// their own.
type cache struct {
	mu      sync.Mutex
	size    int
	entries map[string]*list.Element
	order   *list.List // of *entry, most recently used first
}

type entry struct {
	url     string
	ready   chan struct{} // closed once doc, err and expires are set
	doc     []byte
	err     error
	expires time.Time
}

func newCache(size int) *cache {
	return &cache{size: size, entries: map[string]*list.Element{}, order: list.New()}
}

// get returns url's document: the cached one while fresh, else the result of one call of
// fetch (doc, how long it stays fresh, or an error, which stays failureFresh).
func (c *cache) get(ctx context.Context, url string, clock func() time.Time,
	fetch func(string) ([]byte, time.Duration, error)) ([]byte, error) {
	c.mu.Lock()
	el, ok := c.entries[url]
	if ok {
		e := el.Value.(*entry)
		select {
		case <-e.ready:
			if clock().Before(e.expires) {
				c.order.MoveToFront(el)
				c.mu.Unlock()
				return e.doc, e.err
			}
			c.remove(el)
			ok = false
		default: // being fetched: wait below
		}
	}
	if !ok {
		el = c.add(&entry{url: url, ready: make(chan struct{})})
		go c.fill(el.Value.(*entry), clock, fetch)
	}
	e := el.Value.(*entry)
	c.mu.Unlock()
	select {
	case <-e.ready:
		return e.doc, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fill runs the fetch of e and publishes its result.
func (c *cache) fill(e *entry, clock func() time.Time, fetch func(string) ([]byte, time.Duration, error)) {
	doc, fresh, err := fetch(e.url)
	if err != nil {
		doc, fresh = nil, failureFresh
	}
	c.mu.Lock()
	e.doc, e.err, e.expires = doc, err, clock().Add(fresh)
	c.mu.Unlock()
	close(e.ready)
}

// add puts e first, dropping the least recently used entries past the size. An entry still
// being fetched may be dropped too: its waiters still get its result, later requests fetch
// anew.
func (c *cache) add(e *entry) *list.Element {
	el := c.order.PushFront(e)
	c.entries[e.url] = el
	for c.order.Len() > c.size {
		c.remove(c.order.Back())
	}
	return el
}

func (c *cache) remove(el *list.Element) {
	c.order.Remove(el)
	delete(c.entries, el.Value.(*entry).url)
}

// splitDirectives splits a Cache-Control value into its directives, lower-cased.
func splitDirectives(v string) []string {
	var out []string
	for _, d := range strings.Split(v, ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// cut splits a directive at "=", unquoting its value.
func cut(directive string) (name, value string, ok bool) {
	name, value, ok = strings.Cut(directive, "=")
	return strings.TrimSpace(name), strings.Trim(strings.TrimSpace(value), `"`), ok
}
