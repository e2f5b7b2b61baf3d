package cli

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"oauthd/adapters"
	"oauthd/config"
	"oauthd/core"
	"oauthd/store"
)

// `client add` with no optional flag registers exactly the client the core's defaults make:
// the CLI passes only what it was given, so the two cannot disagree (refresh rotation on, the
// docs/cli.md's promise, included).
func TestClientAddDefaultsAreTheCores(t *testing.T) {
	dsn := setup(t)
	const uri = "http://127.0.0.1:9000/cb"
	var got map[string]any
	runJSON(t, &got, "client", "add", "--name", "Plain", "--redirect-uri", uri)

	st, err := store.Open("sqlite", dsn, store.Options{MaxOpenConns: 1, MaxIdleConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, _, err := testEngine(t, st).CreateClient(context.Background(),
		core.NewClient{Name: "Plain", RedirectURIs: []string{uri}})
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	raw := adapters.DescribeClient(c)
	raw["client_secret"] = got["client_secret"]
	raw["cors_origins"] = []string{} // client add also prints the browser origins: none by default
	reencode(t, raw, &want)
	for _, differs := range []string{"client_id", "client_secret"} {
		if got[differs] == "" || got[differs] == nil {
			t.Errorf("client add: no %s in %v", differs, got)
		}
		delete(got, differs)
		delete(want, differs)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("client add with no optional flags:\n got %v\nwant %v (core's defaults)", got, want)
	}
	if got["refresh_rotation"] != true {
		t.Errorf("refresh rotation is off by default: %v", got)
	}
}

// testEngine is the engine serve would build over store, but for a cheap bcrypt cost.
func testEngine(t *testing.T, st *store.Store) *core.Engine {
	t.Helper()
	opt := EngineOptions(config.Defaults())
	opt.BcryptCost = 4
	eng, err := core.New(st, opt)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// reencode passes v through JSON, as the CLI's output is, so that both sides compare alike.
func reencode(t *testing.T, v, into any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatal(err)
	}
}
