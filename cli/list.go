package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"oauthd/core"
)

// printList prints the rows that rows hands to add, read from the migrated store, in format
// (a table shows columns). A wrong format is refused before the store is opened.
func (e *env) printList(format string, columns []string,
	rows func(ctx context.Context, eng *core.Engine, add func(row any) error) error) error {
	list, err := newList(e.out, format, columns...)
	if err != nil {
		return err
	}
	return e.withEngine(func(ctx context.Context, eng *core.Engine) error {
		if err := rows(ctx, eng, list.add); err != nil {
			return err
		}
		return list.close()
	})
}

// formatFlag adds --format to a list command.
func formatFlag(fs *flag.FlagSet) *string {
	return fs.String("format", "json", "the output `FORMAT`: json, one object per line, or table, aligned columns for people")
}

// list prints the rows of a list command in its --format: JSON lines, each row as it comes
// (large lists stream), or a table of the chosen columns, aligned once every row is in.
type list struct {
	enc     *json.Encoder     // json
	table   *tabwriter.Writer // table
	columns []string
}

// newList checks the format before anything is opened: a wrong one is a usage error.
func newList(out io.Writer, format string, columns ...string) (*list, error) {
	switch format {
	case "json":
		return &list{enc: json.NewEncoder(out)}, nil
	case "table":
		l := &list{table: tabwriter.NewWriter(out, 0, 0, 2, ' ', 0), columns: columns}
		fmt.Fprintln(l.table, strings.ToUpper(strings.Join(columns, "\t")))
		return l, nil
	default:
		return nil, usagef("--format takes json or table, not %q", format)
	}
}

// add prints one row (anything that encodes as a JSON object). A table shows the values the
// JSON line would hold, read back from it, so the two formats cannot disagree.
func (l *list) add(row any) error {
	if l.enc != nil {
		return l.enc.Encode(row)
	}
	b, err := json.Marshal(row)
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	var fields map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&fields); err != nil {
		return fmt.Errorf("list: %w", err)
	}
	cells := make([]string, len(l.columns))
	for i, c := range l.columns {
		v := fields[c]
		if n, ok := v.(json.Number); ok && strings.HasSuffix(c, "_at") { // a time in Unix seconds
			if secs, err := n.Int64(); err == nil && secs != 0 {
				v = time.Unix(secs, 0).UTC().Format(time.RFC3339)
			} else if err == nil {
				v = nil
			}
		}
		cells[i] = cell(v)
	}
	_, err = fmt.Fprintln(l.table, strings.Join(cells, "\t"))
	return err
}

// close prints what is held back: the aligned table.
func (l *list) close() error {
	if l.table == nil {
		return nil
	}
	return l.table.Flush()
}

// cell is a value as a table shows it: lists joined by commas, times to the second, "-" for
// nothing (the zero time included).
func cell(v any) string {
	switch v := v.(type) {
	case nil:
		return "-"
	case string:
		if v == "" {
			return "-"
		}
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil && t.IsZero() {
			return "-"
		} else if err == nil {
			return t.Format(time.RFC3339)
		}
		return strings.Join(strings.Fields(v), " ") // no tab or newline may break the columns
	case []any:
		if len(v) == 0 {
			return "-"
		}
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = cell(x)
		}
		return strings.Join(parts, ",")
	case map[string]any:
		b, _ := json.Marshal(v) // decoded from JSON: encodes again
		return string(b)
	default:
		return fmt.Sprint(v)
	}
}
