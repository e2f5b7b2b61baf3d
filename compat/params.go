package compat

import (
	"fmt"
	"sort"
)

// Source is one place parameters came from, e.g. "header", "query", "form".
type Source struct {
	Name   string
	Values map[string][]string
}

// ConflictError says a parameter arrived with different values.
//
// Error() deliberately leaves the values out: the parameter may be a
// client_secret or code, and error strings end up in logs and responses.
type ConflictError struct {
	Param         string
	First, Second string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("parameter %q given twice with different values", e.Param)
}

// Merge flattens the sources in order into one value per name. The same name
// with the same value from several sources (or repeated within one) is fine;
// different values → *ConflictError. Empty-string values count as values, so
// `code=` in the query and `code=x` in the body conflict. A name with an
// empty slice is treated as absent.
//
// Refusing conflicts (instead of letting, say, the body win) stops a request
// from showing one value to a proxy or log and another to us. Names within a
// source are visited in sorted order so the reported conflict is
// deterministic; First is always the earlier value.
func Merge(sources ...Source) (map[string]string, error) {
	out := make(map[string]string)
	for _, src := range sources {
		names := make([]string, 0, len(src.Values))
		for name := range src.Values {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			for _, v := range src.Values[name] {
				prev, seen := out[name]
				if !seen {
					out[name] = v
					continue
				}
				if prev != v {
					return nil, &ConflictError{Param: name, First: prev, Second: v}
				}
			}
		}
	}
	return out, nil
}
