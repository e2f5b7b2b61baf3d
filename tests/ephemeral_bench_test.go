package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkEphemeralStart measures `serve --ephemeral --fixtures` from exec to its ready line,
// against the baseline of the same binary's `oauthd version` from exec to exit, the two
// alternating so that the host's load falls on both alike. It reports medians and the 90th
// percentile in milliseconds (run it with -benchtime=40x or more):
//
//	go test ./tests/ -run '^$' -bench EphemeralStart -benchtime=60x
func BenchmarkEphemeralStart(b *testing.B) {
	fixtures := filepath.Join(b.TempDir(), "fixtures.toml")
	if err := os.WriteFile(fixtures, []byte(ephemeralFixtures), 0o600); err != nil {
		b.Fatal(err)
	}
	var starts, versions []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := exec.Command(binary, "version").Run(); err != nil {
			b.Fatal(err)
		}
		versions = append(versions, time.Since(t0))
		t0 = time.Now()
		s := StartEphemeral(b, "--fixtures", fixtures)
		starts = append(starts, time.Since(t0))
		s.Stop(b)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	start, version := quantiles(starts), quantiles(versions)
	b.ReportMetric(ms(start[1]), "ready-ms-median")
	b.ReportMetric(ms(start[0]), "ready-ms-p10")
	b.ReportMetric(ms(start[2]), "ready-ms-p90")
	b.ReportMetric(ms(version[1]), "version-ms-median")
	b.ReportMetric(0, "ns/op")
}

// quantiles are the 10th, 50th and 90th percentiles of ds.
func quantiles(ds []time.Duration) [3]time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[int(q*float64(len(s)-1))] }
	return [3]time.Duration{at(0.1), at(0.5), at(0.9)}
}
