// Package logging builds oauthd's structured logger (log/slog): JSON lines for collectors,
// text for people, at a level that SIGHUP can change while the process runs.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Logger is the process logger with its adjustable level.
type Logger struct {
	*slog.Logger
	level *slog.LevelVar
}

// New logs to w in format ("auto", "json" or "text") at level. "auto" picks text when w is a
// terminal and JSON otherwise.
func New(w io.Writer, format, level string) (*Logger, error) {
	lv := new(slog.LevelVar)
	if err := setLevel(lv, level); err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler
	if format == "text" || (format == "auto" && isTerminal(w)) {
		h = slog.NewTextHandler(w, opts)
	} else {
		h = slog.NewJSONHandler(w, opts)
	}
	return &Logger{Logger: slog.New(h), level: lv}, nil
}

// Discard is a logger that writes nothing (for tests and tools).
func Discard() *Logger {
	return &Logger{Logger: slog.New(slog.DiscardHandler), level: new(slog.LevelVar)}
}

// SetLevel changes the level at once, for every holder of this logger.
func (l *Logger) SetLevel(level string) error { return setLevel(l.level, level) }

// Level reports the current level.
func (l *Logger) Level() slog.Level { return l.level.Level() }

func setLevel(lv *slog.LevelVar, level string) error {
	var parsed slog.Level
	if err := parsed.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		return fmt.Errorf("log level %q: %w", level, err)
	}
	lv.Set(parsed)
	return nil
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
