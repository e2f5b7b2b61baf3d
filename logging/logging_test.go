package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestFormatsAndLevel(t *testing.T) {
	var buf bytes.Buffer
	l, err := New(&buf, "auto", "info") // a buffer is not a terminal: JSON
	if err != nil {
		t.Fatal(err)
	}
	l.Debug("hidden")
	l.Info("shown", "k", 1)
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil || line["msg"] != "shown" || line["k"] != 1.0 {
		t.Fatalf("auto on a pipe must give one JSON line without the debug one: %q (%v)", buf.String(), err)
	}
	if err := l.SetLevel("debug"); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	l.Debug("now shown")
	if !strings.Contains(buf.String(), "now shown") {
		t.Fatalf("SetLevel(debug) did not apply: %q", buf.String())
	}
	buf.Reset()
	text, _ := New(&buf, "text", "warn")
	text.Warn("careful", "n", 2)
	if !strings.HasPrefix(buf.String(), "time=") || !strings.Contains(buf.String(), "msg=careful n=2") {
		t.Fatalf("text format: %q", buf.String())
	}
	if _, err := New(&buf, "json", "loud"); err == nil {
		t.Fatal("an unknown level must be refused")
	}
}
