package cimd

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"syscall"
	"time"
)

// Limits of one fetch (the draft's security considerations: small documents, short waits).
const (
	MaxDocumentBytes = 5 << 10
	FetchTimeout     = 5 * time.Second
)

// Options configure a Fetcher.
type Options struct {
	// AllowedHosts are hosts whose internal addresses may be fetched (cimd.allowed_hosts).
	AllowedHosts []string
	// RootCAs verify the documents' servers; nil: the system's roots.
	RootCAs *x509.CertPool
	// Timeout bounds one fetch, connection to last byte; 0: FetchTimeout.
	Timeout time.Duration
	// Clock returns the current time; nil: time.Now.
	Clock func() time.Time
}

// Error is why a document could not be had; its text is for the client's developer.
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

func refuse(format string, args ...any) error { return &Error{msg: fmt.Sprintf(format, args...)} }

var errRedirect = refuse("the document's server answered with a redirect, which is not followed")

// Fetcher fetches and caches client ID metadata documents.
type Fetcher struct {
	client  *http.Client
	cache   *cache
	clock   func() time.Time
	timeout time.Duration
}

// New builds a Fetcher.
func New(opt Options) *Fetcher {
	if opt.Timeout <= 0 {
		opt.Timeout = FetchTimeout
	}
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	guarded := &net.Dialer{Timeout: opt.Timeout, Control: publicOnly}
	open := &net.Dialer{Timeout: opt.Timeout}
	transport := &http.Transport{
		Proxy: nil, // never through the environment's proxy: the address checked must be the one reached
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err == nil && hostAllowed(host, opt.AllowedHosts) {
				return open.DialContext(ctx, network, addr)
			}
			return guarded.DialContext(ctx, network, addr)
		},
		TLSClientConfig:        &tls.Config{RootCAs: opt.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    opt.Timeout,
		ResponseHeaderTimeout:  opt.Timeout,
		MaxIdleConns:           10,
		IdleConnTimeout:        30 * time.Second,
		MaxResponseHeaderBytes: 16 << 10,
	}
	return &Fetcher{clock: opt.Clock, cache: newCache(maxEntries), timeout: opt.Timeout,
		client: &http.Client{Transport: transport, Timeout: opt.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return errRedirect }}}
}

// publicOnly refuses a connection to an address that is not on the public internet. It runs
// on the address about to be connected to, after resolution, so a name that resolves to a
// public address when checked and to an internal one when used cannot get through.
func publicOnly(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return refuse("the document's address %q cannot be checked", address)
	}
	if !public(ap.Addr()) {
		return refuse("the document's host resolves to an address that is not public (%s)", ap.Addr())
	}
	return nil
}

// Fetch returns the document at rawURL, from the cache while its copy (or the failure to get
// one) is fresh; one fetch serves every concurrent request for the same URL.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) ([]byte, error) {
	return f.cache.get(ctx, rawURL, f.clock, f.fetch)
}

// fetch gets one document: GET over https, 200, at most MaxDocumentBytes. It runs detached
// from the request that caused it (others may be waiting for it), within its own timeout.
func (f *Fetcher) fetch(rawURL string) ([]byte, time.Duration, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, 0, refuse("client ID metadata documents are fetched over https only")
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, 0, refuse("the client_id is not a URL that can be fetched")
	}
	req.Header.Set("Accept", "application/json")
	res, err := f.client.Do(req)
	if err != nil {
		return nil, 0, f.explain(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, 0, refuse("the document's server answered %d", res.StatusCode)
	}
	if res.ContentLength > MaxDocumentBytes {
		return nil, 0, refuse("the document is larger than %d bytes", MaxDocumentBytes)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, MaxDocumentBytes+1))
	switch {
	case err != nil:
		return nil, 0, f.explain(err)
	case len(body) > MaxDocumentBytes:
		return nil, 0, refuse("the document is larger than %d bytes", MaxDocumentBytes)
	}
	return body, freshFor(res.Header.Get("Cache-Control")), nil
}

// explain turns a failed exchange into a reason a developer can act on, without the
// details of this server's network.
func (f *Fetcher) explain(err error) error {
	var refused *Error
	var timeout interface{ Timeout() bool }
	switch {
	case errors.As(err, &refused):
		return refused
	case errors.As(err, &timeout) && timeout.Timeout():
		return refuse("the document's server did not answer within %s", f.timeout)
	}
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return refuse("the document's server presented a certificate that is not trusted")
	}
	return refuse("the document could not be fetched")
}

// Cache lifetimes: a document's Cache-Control max-age, held between a floor (a client cannot
// make the server fetch on every request) and a ceiling (a changed document is seen within a
// day); a failure is remembered for a short while, so that a bad client_id costs one fetch
// a minute, not one per request.
const (
	minFresh     = 5 * time.Minute
	maxFresh     = 24 * time.Hour
	failureFresh = time.Minute
	maxEntries   = 1000
)

// freshFor reads how long a document may be used from its Cache-Control header.
func freshFor(cacheControl string) time.Duration {
	age := time.Duration(0)
	for _, directive := range splitDirectives(cacheControl) {
		name, value, _ := cut(directive)
		switch name {
		case "no-store", "no-cache":
			return minFresh
		case "max-age":
			if n, err := strconv.ParseInt(value, 10, 64); err == nil && n > 0 {
				age = time.Duration(min(n, int64(maxFresh/time.Second))) * time.Second
			}
		}
	}
	return min(max(age, minFresh), maxFresh)
}
