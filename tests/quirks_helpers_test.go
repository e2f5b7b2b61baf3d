package tests

// Helpers of the quirk ledger and profile tests: reading the ledger through the CLI, and the
// Quick start's registration of the Frappe document's client.

import (
	"bytes"
	"encoding/json"
	"net/url"
	"testing"
	"time"
)

// quirkLine is one line of `oauthd client quirks`.
type quirkLine struct {
	ClientID  string `json:"client_id"`
	Quirk     string `json:"quirk"`
	Count     int64  `json:"count"`
	Refused   int64  `json:"refused"`
	FirstSeen string `json:"first_seen"`
	LastSeen  string `json:"last_seen"`
}

// quirkCounts reads a client's ledger with `oauthd client quirks --client ID` (what the
// database holds: the server must have flushed) as quirk → [count, refused].
func quirkCounts(t *testing.T, s *Server, clientID string) map[string][2]int64 {
	t.Helper()
	out := map[string][2]int64{}
	dec := json.NewDecoder(bytes.NewReader(s.CLI(t, "client", "quirks", "--client", clientID)))
	for dec.More() {
		var l quirkLine
		if err := dec.Decode(&l); err != nil {
			t.Fatal(err)
		}
		first, ferr := time.Parse(time.RFC3339, l.FirstSeen)
		last, lerr := time.Parse(time.RFC3339, l.LastSeen)
		if l.ClientID != clientID || ferr != nil || lerr != nil || last.Before(first) {
			t.Fatalf("ledger line %+v", l)
		}
		out[l.Quirk] = [2]int64{l.Count, l.Refused}
	}
	return out
}

// wantQuirks fails unless got holds exactly want.
func wantQuirks(t *testing.T, what string, got, want map[string][2]int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: ledger %v, want %v", what, got, want)
	}
	for q, n := range want {
		if got[q] != n {
			t.Fatalf("%s: ledger %v, want %v", what, got, want)
		}
	}
}

// restart stops a server gracefully (SIGTERM) and starts it again on the same database.
func restart(t *testing.T, s *Server) {
	t.Helper()
	s.Stop(t)
	s.cmd = nil
	s.start(t)
}

// The Frappe document's client, registered the Quick start's way.
const (
	seedCallback = "http://localhost:3000/oauth_code"
	seedEmail    = "alice@example.com"
	seedPassword = "Eastern_43A1W"
)

// seedSite starts a server with the Quick start's user and client (profile frappe-v15).
func seedSite(t *testing.T) (*Server, Client) {
	t.Helper()
	s := StartServer(t)
	s.AddUser(t, seedEmail, seedPassword, "Alice Seed")
	c := s.AddClient(t, "--name", "Seed App", "--redirect-uri", seedCallback, "--profile", "frappe-v15",
		"--scope", "all openid project", "--skip-authorization")
	return s, c
}

// seedCode logs in through Frappe's login API and runs the document's authorize request under
// path, returning the code.
func seedCode(t *testing.T, s *Server, path string, q url.Values) string {
	t.Helper()
	b := frappeLoginAs(t, s, seedEmail, seedPassword)
	loc := Send(t, b, "GET", s.URL+path+"authorize?"+q.Encode(), nil).Location(t)
	if code := loc.Query().Get("code"); code != "" && loc.Query().Get("state") == q.Get("state") {
		return code
	}
	t.Fatalf("authorize redirected to %s", loc)
	return ""
}

// bearerStatus calls get_logged_user with the token in the named header.
func bearerStatus(t *testing.T, s *Server, header, token string) int {
	t.Helper()
	return Send(t, nil, "GET", s.URL+frappeLoggedIn, nil, header, "Bearer "+token).Status
}
