package tests

import (
	"context"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestImportInterrupted kills an import after its first batches have committed; a re-run
// then leaves the same users, clients, tokens and records as one clean run.
func TestImportInterrupted(t *testing.T) {
	dsn, src := frappeSource(t, false)
	fillFrappe(t, src, false)
	const rows = 3000
	exp := time.Now().Add(24 * time.Hour).Format("2006-01-02 15:04:05")
	for start := 0; start < rows; start += 1000 {
		var vals []string
		for i := start; i < start+1000; i++ {
			vals = append(vals, fmt.Sprintf("('bulk%05d', 'test_client_id', '%s', 'all openid', '%s', '%s', '%s', 'Active')",
				i, frappeEmail, alnumToken(30), alnumToken(30), exp))
		}
		mustExec(t, src, "INSERT INTO `tabOAuth Bearer Token` (name, client, user, scopes, access_token, "+
			"refresh_token, expiration_time, status) VALUES "+strings.Join(vals, ","))
	}

	clean := StartServer(t)
	began := time.Now()
	clean.CLI(t, "import", "frappe", "--from", dsn)
	t.Logf("a clean import of %d tokens took %v", 2*rows, time.Since(began))
	want := importState(t, clean)

	s := StartServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "import", "frappe", "--from", dsn)
	cmd.Env = s.Env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for frappeCount(t, s, "SELECT COUNT(*) FROM tokens") == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	partial := frappeCount(t, s, "SELECT COUNT(*) FROM tokens")
	if partial == 0 || partial >= 2*rows {
		t.Fatalf("the kill left %d tokens: it did not land mid-way", partial)
	}
	if partial%200 != 0 {
		t.Fatalf("the kill left %d tokens: not whole batches", partial)
	}
	// A COMMIT the import sent just before it died may still land after the count above (the
	// database finishes what it received): the re-run finds at least those rows, in batches.
	out := s.CLI(t, "import", "frappe", "--from", dsn)
	got := importSummary(t, out)["tokens"]
	if done := got[2]; done < partial || done%200 != 0 || got[0] != 2*rows+3-done {
		t.Fatalf("re-run after %d tokens: %v\n%s", partial, got, out)
	}
	if got := importState(t, s); !reflect.DeepEqual(got, want) {
		for k := range want {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("%s differs from a clean run: %d rows, want %d", k, len(got[k]), len(want[k]))
			}
		}
	}
}

// importState reads what an import writes, without the columns that record when it ran.
func importState(t *testing.T, s *Server) map[string][]string {
	t.Helper()
	queries := map[string]string{
		"users": "SELECT email, password_hash, full_name, enabled, roles FROM users ORDER BY email",
		"clients": "SELECT id, secret_hash, name, redirect_uris, default_redirect_uri, scopes, auth_method, " +
			"grant_types, skip_authorization, pkce, allow_plain_pkce, refresh_rotation FROM clients ORDER BY id",
		"tokens": "SELECT t.id, t.kind, t.grant_id, t.client_id, u.email, t.scope, " +
			"CASE WHEN t.kind = 'access' THEN t.expires_at ELSE 0 END, t.revoked_at FROM tokens t " +
			"JOIN users u ON u.id = t.user_id ORDER BY t.id",
		"import_records": "SELECT source, kind, import_records.key, fingerprint FROM import_records ORDER BY kind, import_records.key",
	}
	state := map[string][]string{}
	for name, q := range queries {
		rows, err := serverSQL(t, s).Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			state[name] = append(state[name], fmt.Sprintf("%s", vals))
		}
		rows.Close()
	}
	return state
}
