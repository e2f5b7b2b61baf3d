package checker

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// The checker judges every server alike, oauthd included, so it knows nothing of oauthd: it
// imports no package of this module.
func TestCheckerImportsNothingOfOauthd(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sources: %v", err)
	}
	for _, f := range files {
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			if path := strings.Trim(imp.Path.Value, `"`); path == "oauthd" || strings.HasPrefix(path, "oauthd/") {
				t.Errorf("%s imports %s", f, path)
			}
		}
	}
}
