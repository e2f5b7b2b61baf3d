package core

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"oauthd/store"
)

// documents is a ClientDocuments serving fixed bodies and counting fetches.
type documents struct {
	mu      sync.Mutex
	bodies  map[string]string
	fetched map[string]int
}

func (d *documents) Fetch(_ context.Context, url string) ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fetched[url]++
	body, ok := d.bodies[url]
	if !ok {
		return nil, errors.New("the document's server answered 404")
	}
	return []byte(body), nil
}

func (d *documents) set(url, body string) {
	d.mu.Lock()
	d.bodies[url] = body
	d.mu.Unlock()
}

const docURL = "https://tools.example/oauth/client.json"

func docBody(id, name, extra string) string {
	return `{"client_id":"` + id + `","client_name":"` + name + `","redirect_uris":["http://127.0.0.1:7777/cb"],` +
		`"grant_types":["authorization_code","refresh_token"]` + extra + `}`
}

func TestDocumentClientFlow(t *testing.T) {
	t.Parallel()
	onBackends(t, Options{SkipAuthorization: "auto"}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		docs := &documents{bodies: map[string]string{docURL: docBody(docURL, "Tool", `,"application_type":"native"`)},
			fetched: map[string]int{}}
		f.eng = f.engine(Options{Documents: docs, SkipAuthorization: "auto"})
		ada := f.user(t, "ada@example.com")
		v := newVerifier()
		req := AuthorizeRequest{ClientID: docURL, RedirectURI: "http://127.0.0.1:7777/cb", ResponseType: "code",
			CodeChallenge: s256(v), CodeChallengeMethod: PKCES256, Scope: "all"}

		a, err := f.eng.Authorize(ctx, req)
		if err != nil || !a.Client.MetadataDocument || a.Client.Name != "Tool" || !Public(a.Client) ||
			a.Client.ApplicationType != AppNative || DocumentHost(a.Client) != "tools.example" {
			t.Fatalf("Authorize: %+v, %v", a, err)
		}
		if _, err := f.eng.Client(ctx, docURL); !errors.Is(err, ErrUnknown) {
			t.Fatalf("a document nobody approved was stored: %v", err)
		}
		noPKCE := req
		noPKCE.CodeChallenge, noPKCE.CodeChallengeMethod = "", ""
		_, err = f.eng.Authorize(ctx, noPKCE)
		wantErr(t, err, ErrInvalidRequest, ReasonPKCE)

		code, err := f.eng.Approve(ctx, a, ada)
		if err != nil {
			t.Fatal(err)
		}
		row, err := f.eng.Client(ctx, docURL)
		if err != nil || !row.MetadataDocument || row.Name != "Tool" || !row.RefreshRotation || row.PKCE != "required" {
			t.Fatalf("the approved client's row: %+v, %v", row, err)
		}
		client, err := f.eng.AuthenticateClient(ctx, ClientCredentials{ID: docURL, Method: AuthNone})
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.exchange(ctx, client, code, req.RedirectURI, v)
		if err != nil || res.RefreshToken == "" {
			t.Fatalf("exchange: %+v, %v", res, err)
		}
		// Consent is asked every time, even under auto with a remembered consent.
		if need, err := f.eng.NeedsConsent(ctx, a, ada); err != nil || !need {
			t.Fatalf("NeedsConsent = %v, %v; want always", need, err)
		}

		// A changed document changes the row at the next approval.
		docs.set(docURL, docBody(docURL, "Tool 2", ""))
		a, err = f.eng.Authorize(ctx, req)
		if err != nil || a.Client.Name != "Tool 2" {
			t.Fatalf("Authorize after the change: %+v, %v", a, err)
		}
		if _, err := f.eng.Approve(ctx, a, ada); err != nil {
			t.Fatal(err)
		}
		if row, _ := f.eng.Client(ctx, docURL); row.Name != "Tool 2" || row.ApplicationType != AppWeb {
			t.Fatalf("the row after the change: %+v", row)
		}

		// Documents off: the row's tokens no longer authenticate, and the URL is no client.
		off := f.engine(Options{})
		if _, err := off.AuthenticateClient(ctx, ClientCredentials{ID: docURL, Method: AuthNone}); err == nil {
			t.Error("a document client authenticated with documents off")
		}
		_, err = off.Authorize(ctx, req)
		wantErr(t, err, ErrInvalidRequest, ReasonClientUnknown)
	})
}

func TestDocumentClientRefusals(t *testing.T) {
	t.Parallel()
	long := "https://tools.example/" + strings.Repeat("x", MaxClientIDLength)
	other := "https://tools.example/other.json"
	registered := "https://tools.example/registered.json"
	docs := &documents{fetched: map[string]int{}, bodies: map[string]string{
		"https://tools.example/mismatch.json": docBody(other, "T", ""),
		"https://tools.example/secret.json":   docBody("https://tools.example/secret.json", "T", `,"token_endpoint_auth_method":"client_secret_basic"`),
		"https://tools.example/jwt.json":      docBody("https://tools.example/jwt.json", "T", `,"token_endpoint_auth_method":"private_key_jwt"`),
		"https://tools.example/array.json":    `[1,2]`,
		"https://tools.example/web.json":      docBody("https://tools.example/web.json", "T", `,"redirect_uris":["myapp:/cb"]`),
		"https://tools.example/bogus.json":    docBody("https://tools.example/bogus.json", "T", `,"application_type":"bogus"`),
		"https://tools.example/cc.json":       docBody("https://tools.example/cc.json", "T", `,"grant_types":["client_credentials"]`),
		registered:                            docBody(registered, "T", ""),
		long:                                  docBody(long, "T", ""),
	}}
	onBackends(t, Options{Documents: docs}, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		f.client(t, NewClient{ID: registered, RedirectURIs: []string{appCB}})
		for id, reason := range map[string]string{
			"https://tools.example/mismatch.json": "not its own URL",
			"https://tools.example/secret.json":   "public here",
			"https://tools.example/jwt.json":      "public here",
			"https://tools.example/array.json":    "not a JSON object",
			"https://tools.example/web.json":      "redirect",
			"https://tools.example/bogus.json":    "application_type",
			"https://tools.example/cc.json":       "grant_types",
			"https://tools.example/missing.json":  "could not be fetched: the document's server answered 404",
			"http://tools.example/client.json":    "https only",
			"https://tools.example":               "has a path",
			"https://tools.example/a/../b.json":   ". or ..",
			"https://u:p@tools.example/c.json":    "user info",
			long:                                  "stores client ids of up to 191",
		} {
			_, err := f.eng.Authorize(ctx, AuthorizeRequest{ClientID: id, RedirectURI: "http://127.0.0.1:7777/cb",
				ResponseType: "code"})
			e := AsError(err)
			if e.Code != ErrInvalidClient || e.Reason != ReasonClientDocument || !strings.Contains(e.Description, reason) {
				t.Errorf("%s: %v, want invalid_client about %q", id, err, reason)
			}
		}
		docs.mu.Lock()
		for _, id := range []string{"http://tools.example/client.json", long, registered} {
			if docs.fetched[id] != 0 {
				t.Errorf("%s was fetched", id)
			}
		}
		docs.mu.Unlock()
		// A registered client keeps its id, URL or not: its own redirect URIs, no fetch.
		if _, err := f.eng.Authorize(ctx, AuthorizeRequest{ClientID: registered, RedirectURI: appCB, ResponseType: "code"}); err != nil {
			t.Errorf("the registered client with a URL id: %v", err)
		}
		var n int64
		f.store.DB().Model(&store.Client{}).Where("metadata_document = ?", true).Count(&n)
		if n != 0 {
			t.Errorf("refused documents left %d clients", n)
		}
	})
}
