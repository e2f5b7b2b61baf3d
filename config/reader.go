package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/knadh/koanf/v2"
)

// reader collects the first decoding error so decode reads as a flat list of fields. Its
// errors start with prefix ("config: " for the configuration); a reader of one table inside
// it has none, since the outer reader names the table.
type reader struct {
	k      *koanf.Koanf
	err    error
	prefix string
}

func (r *reader) str(key string) string { return r.k.String(key) }

// list reads a TOML array of strings, or a comma-separated string (from the environment).
func (r *reader) list(key string) []string {
	var out []string
	switch v := r.k.Get(key).(type) {
	case []string:
		out = v
	case []any:
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				r.fail(key, fmt.Errorf("not a list of strings: %v", v))
				return nil
			}
			out = append(out, s)
		}
	case string:
		out = strings.Split(v, ",")
	case nil:
	default:
		r.fail(key, fmt.Errorf("not a list of strings: %v", v))
	}
	var kept []string
	for _, s := range out {
		if s = strings.TrimSpace(s); s != "" {
			kept = append(kept, s)
		}
	}
	return kept
}

func (r *reader) boolean(key string) bool {
	switch v := r.k.Get(key).(type) {
	case bool:
		return v
	case string:
		switch strings.ToLower(v) {
		case "true", "1", "yes", "on":
			return true
		case "false", "0", "no", "off", "":
			return false
		}
	}
	r.fail(key, fmt.Errorf("not a boolean: %v", r.k.Get(key)))
	return false
}

func (r *reader) integer(key string, min int) int {
	var n int
	switch v := r.k.Get(key).(type) {
	case int:
		n = v
	case int64:
		n = int(v)
	case float64:
		n = int(v)
	case string:
		if _, err := fmt.Sscanf(v, "%d", &n); err != nil || fmt.Sprint(n) != strings.TrimSpace(v) {
			r.fail(key, fmt.Errorf("not a whole number: %q", v))
			return 0
		}
	default:
		r.fail(key, fmt.Errorf("not a whole number: %v", v))
		return 0
	}
	if n < min {
		r.fail(key, fmt.Errorf("must be at least %d, got %d", min, n))
	}
	return n
}

func (r *reader) duration(key string) time.Duration {
	s := r.k.String(key)
	d, err := time.ParseDuration(s)
	if err != nil {
		r.fail(key, fmt.Errorf("not a duration: %q (use e.g. \"90s\", \"10m\", \"1h\")", s))
		return 0
	}
	if d < 0 {
		r.fail(key, fmt.Errorf("must not be negative: %q", s))
	}
	return d
}

// positive reads a duration that has no meaning at zero (a lifetime, a window).
func (r *reader) positive(key string) time.Duration {
	d := r.duration(key)
	if d == 0 && r.err == nil {
		r.fail(key, fmt.Errorf("must be positive"))
	}
	return d
}

func (r *reader) oneOf(key string, allowed ...string) string {
	v := r.k.String(key)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(key, fmt.Errorf("unknown value %q (want one of %s)", v, strings.Join(allowed, ", ")))
	return v
}

func (r *reader) fail(key string, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("%s%s: %w", r.prefix, key, err)
	}
}
