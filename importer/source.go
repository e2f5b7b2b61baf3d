package importer

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// sourceDB is a connection to a Frappe or Odoo database that only reads.
type sourceDB struct {
	db      *gorm.DB
	schema  string // the SQL that names the current schema: DATABASE() or current_schema()
	display string // the system's name, for messages
}

// openSource connects and checks that the server answers.
func openSource(ctx context.Context, d gorm.Dialector, schema, display string) (*sourceDB, error) {
	db, err := gorm.Open(d, &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
	if err != nil {
		return nil, fmt.Errorf("connect to the %s database: %w", display, err)
	}
	sqlDB, err := db.DB()
	if err == nil {
		sqlDB.SetMaxOpenConns(1)
		err = sqlDB.PingContext(ctx)
	}
	if err != nil {
		if sqlDB != nil {
			sqlDB.Close()
		}
		return nil, fmt.Errorf("connect to the %s database: %w", display, err)
	}
	return &sourceDB{db: db, schema: schema, display: display}, nil
}

func (s *sourceDB) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// readOnly runs fn in one read-only, repeatable-read transaction: the source is never written,
// and every table is read at one instant.
func (s *sourceDB) readOnly(ctx context.Context, fn func(tx *gorm.DB) error) error {
	tx := s.db.WithContext(ctx).Begin(&sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if tx.Error != nil {
		return fmt.Errorf("begin a read-only transaction on the %s database: %w", s.display, tx.Error)
	}
	defer tx.Rollback()
	return fn(tx)
}

// columns lists a table's columns; a missing table is ErrNotSource, naming it.
func (s *sourceDB) columns(tx *gorm.DB, table string) (map[string]bool, error) {
	var names []string
	err := tx.Raw("SELECT column_name FROM information_schema.columns WHERE table_schema = "+s.schema+
		" AND table_name = ?", table).Scan(&names).Error
	if err != nil {
		return nil, fmt.Errorf("read the columns of %s: %w", table, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: this is not a %s database: table %q is missing", ErrNotSource, s.display, table)
	}
	cols := make(map[string]bool, len(names))
	for _, n := range names {
		cols[strings.ToLower(n)] = true
	}
	return cols, nil
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
