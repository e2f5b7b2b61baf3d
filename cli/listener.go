package cli

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// quietListener remembers the connections that have not sent a byte yet, so that shutdown can
// drop them. fasthttp waits for the first request of such a connection until read_timeout,
// and HTTP clients open them routinely (Go's transport parks a dial that lost its race in its
// idle pool), so without this one silent client would hold a graceful stop for that long. A
// connection that has started a request is left to finish it.
type quietListener struct {
	net.Listener
	mu     sync.Mutex
	quiet  map[*watchedConn]struct{}
	closed sync.Once
}

func newQuietListener(ln net.Listener) *quietListener {
	return &quietListener{Listener: ln, quiet: make(map[*watchedConn]struct{})}
}

func (l *quietListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	wc := &watchedConn{Conn: c, l: l}
	l.mu.Lock()
	l.quiet[wc] = struct{}{}
	l.mu.Unlock()
	return wc, nil
}

// Close closes the listener once; the server's shutdown closes it again, which must not fail.
func (l *quietListener) Close() error {
	var err error
	l.closed.Do(func() { err = l.Listener.Close() })
	return err
}

// closeQuiet ends the wait of every connection that has not sent anything yet: its pending
// read times out at once and the server drops it. It does not close the socket itself, since
// a request may arrive in the same instant, and fasthttp panics when it sets a deadline on a
// socket closed under it; a past deadline at worst fails that one request.
func (l *quietListener) closeQuiet() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.quiet {
		c.Conn.SetReadDeadline(time.Unix(1, 0))
		delete(l.quiet, c)
	}
}

func (l *quietListener) forget(c *watchedConn) {
	l.mu.Lock()
	delete(l.quiet, c)
	l.mu.Unlock()
}

// watchedConn leaves the quiet set at its first byte.
type watchedConn struct {
	net.Conn
	l       *quietListener
	started atomic.Bool
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.started.Swap(true) {
		c.l.forget(c)
	}
	return n, err
}

func (c *watchedConn) Close() error {
	c.l.forget(c)
	return c.Conn.Close()
}
