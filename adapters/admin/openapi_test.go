package admin

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"oauthd/adapters/ephemeral"
	"oauthd/logging"
)

// Every route the app serves is in the OpenAPI document, and every operation of the document
// is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+Prefix+path] = true
		}
	}
	served := map[string]bool{}
	param := regexp.MustCompile(`:(\w+)`)
	for _, r := range New(nil, logging.Discard().Logger, ephemeral.New(nil)).GetRoutes(true) {
		if !strings.HasPrefix(r.Path, Prefix+"/") || r.Method == "HEAD" || r.Method == "USE" {
			continue
		}
		served[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	if missing, extra := diff(served, documented), diff(documented, served); len(missing)+len(extra) > 0 {
		t.Fatalf("served but not documented: %v\ndocumented but not served: %v", missing, extra)
	}
	if len(served) < 19 {
		t.Fatalf("only %d routes: %v", len(served), served)
	}
}

func diff(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Without serve --ephemeral the test clock and the faults are not served at all.
func TestEphemeralRoutesOnlyWithTheKit(t *testing.T) {
	for _, r := range New(nil, logging.Discard().Logger, nil).GetRoutes(true) {
		if strings.HasSuffix(r.Path, "/clock") || strings.HasSuffix(r.Path, "/faults") {
			t.Fatalf("%s %s served without --ephemeral", r.Method, r.Path)
		}
	}
}
