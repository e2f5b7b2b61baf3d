package checker

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Labelled is a report with the name its column carries ("" for a single server; "old" and
// "new" side by side).
type Labelled struct {
	Label string `json:"label,omitempty"`
	*Report
}

// WriteTable prints the steps as rows and one column per dialect and server, then what each
// FAIL and DIFF sent, got and expected, then a count per server.
func WriteTable(w io.Writer, reports []Labelled, dialects []string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"step"}
	for _, d := range dialects {
		for _, r := range reports {
			head = append(head, strings.TrimSpace(d+" "+r.Label))
		}
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, s := range Steps {
		row, any := []string{s.Title}, false
		for _, d := range dialects {
			for _, r := range reports {
				cell := "-"
				if res := r.find(d, s.ID); res != nil {
					cell, any = string(res.Status), true
				}
				row = append(row, cell)
			}
		}
		if any {
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	for _, r := range reports {
		for _, res := range r.Results {
			if res.Status == Fail || res.Status == Diff {
				writeDetail(w, r.Label, res)
			}
		}
	}
	fmt.Fprintln(w)
	for _, r := range reports {
		name := r.Server
		if r.Label != "" {
			name = r.Label + " = " + r.Server
		}
		_, err := fmt.Fprintf(w, "%s: %d PASS, %d DIFF, %d FAIL, %d SKIP\n", name, r.Count(Pass), r.Count(Diff),
			r.Count(Fail), r.Count(Skip))
		if err != nil {
			return fmt.Errorf("write table: %w", err)
		}
	}
	return nil
}

func writeDetail(w io.Writer, server string, res Result) {
	where := res.Dialect
	if server != "" {
		where += " " + server
	}
	fmt.Fprintf(w, "\n%s  %s: %s\n", res.Status, where, res.Title)
	for _, line := range [][2]string{{"request", res.Request}, {"answer", res.Answer}, {"expected", res.Expected}} {
		if line[1] != "" {
			fmt.Fprintf(w, "  %-9s %s\n", line[0]+":", line[1])
		}
	}
	label := "differs:"
	if res.Status == Fail {
		label = "why:"
	}
	for _, d := range res.Differences {
		fmt.Fprintf(w, "  %-9s %s\n", label, d)
	}
	if res.Note != "" {
		fmt.Fprintf(w, "  %-9s %s\n", "note:", res.Note)
	}
}

// WriteJSON prints the reports as one JSON document.
func WriteJSON(w io.Writer, reports []Labelled) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"servers": reports}); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

func (r *Report) find(dialect, step string) *Result {
	for i := range r.Results {
		if res := &r.Results[i]; res.Dialect == dialect && res.Step == step {
			return res
		}
	}
	return nil
}
