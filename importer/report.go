package importer

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"oauthd/core"
	"oauthd/models"
)

// Outcomes of one row.
const (
	outcomeImported  = "imported"
	outcomeUpdated   = "updated"
	outcomeUnchanged = "unchanged"
	outcomeSkipped   = "skipped"
)

// Report counts what a run did per kind, with the reasons of skips and notes on rows imported
// with a caveat (a password that cannot be used, a client without its owner).
type Report struct {
	Source string
	DryRun bool
	Counts map[string]map[string]int // kind → outcome → rows
	Skips  map[string]map[string]int // kind → reason → rows
	Caveat map[string]map[string]int // kind → note → rows
	// Quirks counts the carried clients allowed each legacy behaviour weaker than RFC 9700
	// (their profile's or their settings'): what a team reads to decide what to tighten.
	Quirks map[string]int
	Notes  []string
}

func newReport(source string, dryRun bool) *Report {
	return &Report{Source: source, DryRun: dryRun, Counts: map[string]map[string]int{},
		Skips: map[string]map[string]int{}, Caveat: map[string]map[string]int{}, Quirks: map[string]int{}}
}

func bump(m map[string]map[string]int, kind, key string) {
	if m[kind] == nil {
		m[kind] = map[string]int{}
	}
	m[kind][key]++
}

func (r *Report) count(kind, outcome string) { bump(r.Counts, kind, outcome) }

func (r *Report) skip(kind, reason string) {
	bump(r.Counts, kind, outcomeSkipped)
	bump(r.Skips, kind, reason)
}

func (r *Report) note(kind, note string) { bump(r.Caveat, kind, note) }

// carries counts the legacy behaviours a carried client is allowed.
func (r *Report) carries(c *models.Client) {
	for _, q := range core.LegacyQuirks(c).Names() {
		r.Quirks[q]++
	}
}

// Print writes the summary table, then the skip reasons and notes.
func (r *Report) Print(out io.Writer) {
	title := "import from " + r.Source
	if r.DryRun {
		title += " (dry run: nothing written; the counts say what a run would do)"
	}
	fmt.Fprintln(out, title)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\timported\tupdated\tunchanged\tskipped\t")
	for _, k := range Kinds {
		c := r.Counts[k]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", k, c[outcomeImported], c[outcomeUpdated], c[outcomeUnchanged],
			c[outcomeSkipped])
	}
	tw.Flush()
	printReasons(out, "skipped", r.Skips)
	printReasons(out, "notes", r.Caveat)
	printReasons(out, "quirks", map[string]map[string]int{KindClients: r.Quirks})
	for _, n := range r.Notes {
		fmt.Fprintln(out, "note:", n)
	}
}

func printReasons(out io.Writer, title string, m map[string]map[string]int) {
	for _, k := range Kinds {
		reasons := make([]string, 0, len(m[k]))
		for reason := range m[k] {
			reasons = append(reasons, reason)
		}
		sort.Strings(reasons)
		for _, reason := range reasons {
			fmt.Fprintf(out, "%s %s: %d %s\n", title, k, m[k][reason], reason)
		}
	}
}
