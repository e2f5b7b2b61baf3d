package tests

// Finding 9 of the security review: HTTP request smuggling building blocks. A front proxy and
// oauthd must never disagree on where a request ends, so ambiguous framing is refused and the
// connection closed, so nothing after the body is ever read as a request.

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// rawExchange writes raw to the server on one connection and returns the first response and
// whether the server then closed the connection (a second request gets no answer).
func rawExchange(t *testing.T, s *Server, raw string) (*http.Response, bool) {
	t.Helper()
	conn, rd := rawWrite(t, s, raw)
	defer conn.Close()
	res, err := http.ReadResponse(rd, nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err = http.ReadResponse(rd, nil)
	return res, err != nil
}

func TestSecurityDesyncAmbiguousFraming(t *testing.T) {
	s := StartServer(t)
	t.Run("two Content-Length", func(t *testing.T) {
		res, closed := rawExchange(t, s, "POST /api/method/logout HTTP/1.1\r\nHost: x\r\n"+
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4\r\nContent-Length: 12\r\n\r\n"+
			"grant_type=x")
		if res.StatusCode != http.StatusBadRequest || !closed {
			t.Errorf("got %d, connection closed %v; want 400 and the connection closed", res.StatusCode, closed)
		}
	})
	t.Run("Content-Length with chunked", func(t *testing.T) {
		// A front proxy framing by Content-Length (5) would forward the rest as a second request.
		res, closed := rawExchange(t, s, "POST /api/method/logout HTTP/1.1\r\nHost: x\r\n"+
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"+
			"0\r\n\r\n")
		if res.StatusCode != http.StatusBadRequest || !closed {
			t.Errorf("got %d, connection closed %v; want 400 and the connection closed", res.StatusCode, closed)
		}
	})
	// fasthttp reads any Transfer-Encoding but "identity" as chunked; a proxy in front that
	// does not (it frames "xchunked" by connection close, or "gzip, chunked" by its last coding
	// only after decoding gzip) would pass the chunks on as another request's bytes. Before
	// the fix each of these logged out with 200 and kept the connection.
	for _, tc := range []struct {
		coding string
		status int
	}{
		{"xchunked", http.StatusBadRequest},
		{"gzip, chunked", http.StatusNotImplemented},
		{"chunked, gzip", http.StatusBadRequest},
		{"chunked, chunked", http.StatusBadRequest},
		{"chunked\r\nTransfer-Encoding: identity", http.StatusBadRequest},
		{"Identity", http.StatusBadRequest},
		{"", http.StatusBadRequest},
	} {
		t.Run("Transfer-Encoding "+tc.coding, func(t *testing.T) {
			res, closed := rawExchange(t, s, "POST /api/method/logout HTTP/1.1\r\nHost: x\r\n"+
				"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: "+tc.coding+"\r\n\r\n"+
				"4\r\na=bc\r\n0\r\n\r\n")
			if res.StatusCode != tc.status || !closed {
				t.Errorf("got %d, connection closed %v; want %d and the connection closed", res.StatusCode, closed, tc.status)
			}
		})
	}
	for _, coding := range []string{"chunked", "Chunked", "identity"} {
		t.Run("Transfer-Encoding "+coding+" is served", func(t *testing.T) {
			body := "4\r\na=bc\r\n0\r\n\r\n"
			if coding == "identity" { // no length: an empty body
				body = ""
			}
			res, closed := rawExchange(t, s, "POST /api/method/logout HTTP/1.1\r\nHost: x\r\n"+
				"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: "+coding+"\r\n\r\n"+body)
			if res.StatusCode != http.StatusOK || closed {
				t.Errorf("got %d, closed %v; want 200 on a kept-alive connection", res.StatusCode, closed)
			}
		})
	}
	t.Run("well-framed request keeps the connection", func(t *testing.T) {
		res, closed := rawExchange(t, s, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		if res.StatusCode != http.StatusOK || closed {
			t.Errorf("got %d, closed %v; want 200 on a kept-alive connection", res.StatusCode, closed)
		}
	})
}
