package config

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// referenceRow is a row of a reference table: | `key` | `default` | meaning |.
var referenceRow = regexp.MustCompile("^\\| `([a-z_.]+)` \\| `([^`]*)` \\|")

// TestReferenceStatesEveryDefault keeps docs/configuration.md's reference true: every key of
// the defaults table, and of a [[proxy]] table, stands in exactly one row with its default as
// config.toml writes it, and no row names a key that does not exist.
func TestReferenceStatesEveryDefault(t *testing.T) {
	doc, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	stated := map[string][]string{} // key -> the defaults its rows state
	for _, line := range strings.Split(string(doc), "\n") {
		if m := referenceRow.FindStringSubmatch(line); m != nil {
			stated[m[1]] = append(stated[m[1]], m[2])
		}
	}
	check := func(key string, value any) {
		want := tomlValue(t, value)
		switch got := stated[key]; {
		case len(got) == 0:
			t.Errorf("%s: not in the reference", key)
		case len(got) > 1 || got[0] != want:
			t.Errorf("%s: the reference states %q, the default is %s", key, got, want)
		}
		delete(stated, key)
	}
	for key, value := range defaults {
		check(key, value)
	}
	for key, value := range proxyDefaults {
		check(key, value)
	}
	for key := range stated {
		t.Errorf("%s: in the reference, but no such key", key)
	}
	for _, key := range slices.Concat(clientKeys, userKeys) {
		if !strings.Contains(string(doc), "`"+key+"`") {
			t.Errorf("[[clients]]/[[users]] key %s: not in the reference", key)
		}
	}
}

// tomlValue writes a default as config.toml does.
func tomlValue(t *testing.T, v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case int, bool:
		return fmt.Sprint(v)
	case []string:
		quoted := make([]string, len(v))
		for i, s := range v {
			quoted[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(quoted, ", ") + "]"
	case []any:
		if len(v) == 0 {
			return "[]"
		}
	}
	t.Fatalf("no TOML form for the default %#v", v)
	return ""
}
