package cli

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// TestQuietListenerDropsOnlySilentConnections: at shutdown the server stops waiting on a
// connection that never sent a byte, while one that has started a request stays open to be
// answered.
func TestQuietListenerDropsOnlySilentConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	quiet := newQuietListener(ln)
	defer quiet.Close()

	dial(t, ln.Addr())
	busy := dial(t, ln.Addr())
	serverSilent, serverBusy := accept(t, quiet), accept(t, quiet)
	if _, err := busy.Write([]byte("GET / HTTP/1.1\r\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(serverBusy, buf); err != nil {
		t.Fatal(err)
	}

	if err := quiet.Close(); err != nil {
		t.Fatal(err)
	}
	if err := quiet.Close(); err != nil {
		t.Fatalf("a second Close (the server's own shutdown) must not fail: %v", err)
	}
	quiet.closeQuiet()

	if _, err := serverSilent.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the server's wait on the silent connection should end at once, read gave %v", err)
	}
	if _, err := serverBusy.Write([]byte("ok")); err != nil {
		t.Fatalf("the connection with a request in flight must stay open: %v", err)
	}
	busy.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(busy, buf[:2]); err != nil || string(buf[:2]) != "ok" {
		t.Fatalf("busy connection read %q, %v", buf[:2], err)
	}
	serverSilent.Close()
	serverBusy.Close()
}

func dial(t *testing.T, addr net.Addr) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func accept(t *testing.T, ln net.Listener) net.Conn {
	t.Helper()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
