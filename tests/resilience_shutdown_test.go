package tests

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// resSlowRequest is a request sent in two parts: the head before SIGTERM, the rest after, so
// it is surely in flight when the signal arrives.
type resSlowRequest struct {
	name        string
	first, rest string
	check       func(*Resp) error
	conn        net.Conn
}

// resFormRequest builds a raw form POST split in the middle of its body.
func resFormRequest(name, path string, form url.Values, check func(*Resp) error) *resSlowRequest {
	body := form.Encode()
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: %d\r\n\r\n", path, len(body))
	return &resSlowRequest{name: name, first: head + body[:len(body)/2], rest: body[len(body)/2:], check: check}
}

// TestResilienceGracefulShutdownFinishesInFlightRequests sends SIGTERM while requests are half
// sent: the listener closes, the requests still get their normal answers, and the process then
// exits 0. Requests fired continuously meanwhile never see a 5xx.
func TestResilienceGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	s := StartServer(t, Env("OAUTHD_SERVER_SHUTDOWN_TIMEOUT=10s"))
	f := resSetupFlow(t, s)
	code := f.Code(t, s.URL)
	access, _ := f.Tokens(t, s.URL)
	addr := strings.TrimPrefix(s.URL, "http://")

	status := func(want int, keys ...string) func(*Resp) error {
		return func(r *Resp) error {
			if r.Status != want {
				return fmt.Errorf("%s, want %d", r, want)
			}
			for _, k := range keys {
				if _, ok := r.JSON[k]; !ok {
					return fmt.Errorf("%s, want the key %q", r, k)
				}
			}
			return nil
		}
	}
	slow := []*resSlowRequest{
		resFormRequest("frappe login", resFrappeLogin, url.Values{"usr": {f.Email}, "pwd": {f.Password}},
			func(r *Resp) error {
				if err := status(http.StatusOK)(r); err != nil {
					return err
				}
				if !strings.Contains(strings.Join(r.Header.Values("Set-Cookie"), "\n"), "sid=") {
					return fmt.Errorf("login without a sid cookie: %v", r.Header)
				}
				return nil
			}),
		resFormRequest("frappe get_token", resFrappeToken, url.Values{"grant_type": {"authorization_code"},
			"code": {code}, "redirect_uri": {f.Redirect}, "client_id": {f.Client.ID},
			"client_secret": {f.Client.Secret}}, status(http.StatusOK, "access_token", "refresh_token")),
		resFormRequest("odoo access_token", resOdooToken, url.Values{"client_id": {f.Client.ID},
			"client_secret": {f.Client.Secret}, "grant_type": {"authorization_code"}, "code": {"no-such-code"}},
			status(http.StatusUnauthorized, "code", "message")),
		{name: "get_logged_user", first: "GET " + resFrappeLoggedUser + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
			"Authorization: Bearer " + access + "\r\n", rest: "\r\n", check: status(http.StatusOK, "message")},
		{name: "healthz", first: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", rest: "\r\n",
			check: status(http.StatusOK, "status")},
	}
	for _, r := range slow {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := io.WriteString(conn, r.first); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		r.conn = conn
	}

	// Traffic that keeps coming while the server stops: answers or connection errors, no 5xx.
	var stopBurst atomic.Bool
	var burst sync.WaitGroup
	var answered, refused atomic.Int32
	var burstErr atomic.Value
	for range 8 {
		burst.Add(1)
		go func() {
			defer burst.Done()
			client := &http.Client{Timeout: 15 * time.Second}
			for i := 0; i < 500 && !stopBurst.Load(); i++ {
				r, err := resGet(client, s.URL+resFrappeLoggedUser, access)
				if err != nil {
					refused.Add(1)
					time.Sleep(20 * time.Millisecond)
					continue
				}
				answered.Add(1)
				if r.Status >= 500 {
					burstErr.Store(fmt.Sprintf("get_logged_user during shutdown: %s", r))
				}
			}
		}()
	}

	time.Sleep(500 * time.Millisecond) // the heads are read and the burst is running
	exited := make(chan error, 1)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	signalled := time.Now()
	go func() { exited <- s.cmd.Wait() }()
	// From here on no t.Fatal until the process has been waited for (the harness's cleanup
	// would otherwise race this Wait).
	var exitErr error
	waitExit := func(within time.Duration) bool {
		if exited == nil {
			return true
		}
		select {
		case exitErr = <-exited:
			exited = nil
			return true
		case <-time.After(within):
			return false
		}
	}

	// The listener closes promptly; the process stays up for the half-sent requests.
	listenerClosed := resWaitFor(t.Context(), 5*time.Second, func() error {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return nil
		}
		c.Close()
		return errors.New("still accepting connections")
	})
	if listenerClosed != nil {
		t.Errorf("after SIGTERM: %v", listenerClosed)
	}
	if waitExit(200 * time.Millisecond) {
		t.Errorf("oauthd exited (%v) %v after SIGTERM with requests in flight\n%s",
			exitErr, time.Since(signalled), s.log.String())
	}
	stopBurst.Store(true)

	for _, r := range slow {
		r.conn.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(r.conn, r.rest); err != nil {
			t.Errorf("%s: finishing the request after SIGTERM: %v", r.name, err)
			continue
		}
		resp, err := http.ReadResponse(bufio.NewReader(r.conn), nil)
		if err != nil {
			t.Errorf("%s: in flight at SIGTERM, got no response: %v", r.name, err)
			continue
		}
		res, _ := ReadResp(resp)
		if err := r.check(res); err != nil {
			t.Errorf("%s: in flight at SIGTERM: %v", r.name, err)
		}
	}
	burst.Wait()

	if !waitExit(15 * time.Second) {
		t.Errorf("oauthd still running 15s after its in-flight requests finished; killing it")
		s.cmd.Process.Kill()
		waitExit(time.Minute)
	}
	if code := s.cmd.ProcessState.ExitCode(); exitErr != nil || code != 0 {
		t.Errorf("oauthd exit: %v (code %d), want 0\n%s", exitErr, code, s.log.String())
	}
	if took := time.Since(signalled); took > 10*time.Second {
		t.Errorf("shutdown took %v", took)
	}
	if msg, _ := burstErr.Load().(string); msg != "" {
		t.Error(msg)
	}
	if strings.Contains(s.log.String(), "panic") {
		t.Errorf("oauthd log shows a panic:\n%s", s.log.String())
	}
	t.Logf("burst during shutdown: %d answered, %d refused", answered.Load(), refused.Load())
}
