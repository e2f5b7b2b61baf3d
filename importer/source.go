package importer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// dialect is what differs between the two sources' servers.
type dialect struct {
	driver  string // the database/sql driver's name
	schema  string // the SQL that names the current schema: DATABASE() or current_schema()
	param   string // the first query argument's placeholder: ? (MySQL) or $1 (PostgreSQL)
	display string // the system's name, for messages
}

// sourceDB is a connection to a Frappe or Odoo database that only reads.
type sourceDB struct {
	dialect
	db *sql.DB
}

// openSource connects to dsn, unchanged (the driver parses it, so every form it accepts
// works), and checks that the server answers.
func openSource(ctx context.Context, d dialect, dsn string) (*sourceDB, error) {
	db, err := sql.Open(d.driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("connect to the %s database: %w", d.display, err)
	}
	// One connection: a Read is one transaction, and the source server is someone's production.
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to the %s database: %w", d.display, err)
	}
	return &sourceDB{dialect: d, db: db}, nil
}

func (s *sourceDB) Close() error { return s.db.Close() }

// readTx is a Read's transaction with the Read's context, which every query is run with, so
// that cancelling an import stops a long read at once.
type readTx struct {
	ctx context.Context
	tx  *sql.Tx
}

// readOnly runs fn in one read-only, repeatable-read transaction: the source is never written,
// and every table is read at one instant.
func (s *sourceDB) readOnly(ctx context.Context, fn func(tx readTx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return fmt.Errorf("begin a read-only transaction on the %s database: %w", s.display, err)
	}
	defer tx.Rollback() // nothing was written: rolling back only ends the snapshot
	return fn(readTx{ctx: ctx, tx: tx})
}

// columns lists a table's columns; a missing table is ErrNotSource, naming it.
func (s *sourceDB) columns(tx readTx, table string) (map[string]bool, error) {
	rs, err := tx.maps("SELECT column_name FROM information_schema.columns WHERE table_schema = "+s.schema+
		" AND table_name = "+s.param, table)
	if err != nil {
		return nil, fmt.Errorf("read the columns of %s: %w", table, err)
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("%w: this is not a %s database: table %q is missing", ErrNotSource, s.display, table)
	}
	cols := make(map[string]bool, len(rs))
	for _, r := range rs {
		cols[strings.ToLower(str(r["column_name"]))] = true
	}
	return cols, nil
}

// rows runs a query and returns its rows as column (lower-cased) → value maps, each value as
// the driver gave it: naiveTime and str read DATETIME and text columns whichever type the DSN
// makes the driver return.
func (t readTx) rows(query string) ([]map[string]any, error) {
	out, err := t.maps(query)
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	return out, nil
}

// maps is rows without the context its errors get.
func (t readTx) maps(query string, args ...any) ([]map[string]any, error) {
	rs, err := t.tx.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for rs.Next() {
		row, err := scanMap(rs, cols)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rs.Err()
}

// scanMap reads the current row into column → value.
func scanMap(rs *sql.Rows, cols []string) (map[string]any, error) {
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rs.Scan(ptrs...); err != nil {
		return nil, err
	}
	row := make(map[string]any, len(cols))
	for i, c := range cols {
		row[strings.ToLower(c)] = vals[i]
	}
	return row, nil
}

// value reads a query's one text value; no row or NULL is "".
func (t readTx) value(query string) (string, error) {
	var v sql.NullString
	err := t.tx.QueryRowContext(t.ctx, query).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read source: %w", err)
	}
	return v.String, nil
}

// pick lists the wanted columns of table alias from (empty: unqualified), putting a constant
// in place of those the table lacks, so one query reads every version's shape.
func pick(cols map[string]bool, quote func(string) string, from string, wanted ...string) string {
	out := make([]string, len(wanted))
	for i, w := range wanted {
		name, fallback, _ := strings.Cut(w, "|")
		switch {
		case cols[name] && from != "":
			out[i] = from + "." + quote(name) + " AS " + quote(name)
		case cols[name]:
			out[i] = quote(name)
		default:
			if fallback == "" {
				fallback = "NULL"
			}
			out[i] = fallback + " AS " + quote(name)
		}
	}
	return strings.Join(out, ", ")
}

// naiveTime reads a naive DATETIME/TIMESTAMP as a wall-clock time in loc, whichever way the
// driver returned it.
func naiveTime(v any, loc *time.Location) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), loc), true
	case []byte:
		return naiveTime(string(x), loc)
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999", "2006-01-02T15:04:05.999999"} {
			if t, err := time.ParseInLocation(layout, x, loc); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// str reads a nullable text column.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// truthy reads Frappe's Check (int) and Odoo's boolean columns.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int64:
		return x != 0
	case int32:
		return x != 0
	case []byte, string:
		s := str(x)
		return s != "" && s != "0" && s != "f" && s != "false"
	}
	return false
}

// alnum reports whether s is made of [A-Za-z0-9] only, as every token oauthd accepts is.
func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}
