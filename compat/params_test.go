package compat

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestMerge(t *testing.T) {
	vals := func(kv ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = append(m[kv[i]], kv[i+1])
		}
		return m
	}
	tests := []struct {
		name     string
		sources  []Source
		want     map[string]string
		conflict *ConflictError
	}{
		{name: "no sources", want: map[string]string{}},
		{name: "nil values", sources: []Source{{Name: "query"}}, want: map[string]string{}},
		{name: "one source", sources: []Source{{Name: "form", Values: vals("a", "1", "b", "2")}},
			want: map[string]string{"a": "1", "b": "2"}},
		{name: "disjoint sources", sources: []Source{
			{Name: "header", Values: vals("client_id", "c")},
			{Name: "query", Values: vals("code", "x")},
			{Name: "form", Values: vals("grant_type", "authorization_code")},
		}, want: map[string]string{"client_id": "c", "code": "x", "grant_type": "authorization_code"}},
		{name: "same value across sources", sources: []Source{
			{Name: "header", Values: vals("code", "x")},
			{Name: "query", Values: vals("code", "x")},
			{Name: "form", Values: vals("code", "x")},
		}, want: map[string]string{"code": "x"}},
		{name: "same value repeated in one source", sources: []Source{
			{Name: "query", Values: vals("code", "x", "code", "x")},
		}, want: map[string]string{"code": "x"}},
		{name: "empty value kept", sources: []Source{
			{Name: "query", Values: vals("state", "")},
		}, want: map[string]string{"state": ""}},
		{name: "empty slice is absent", sources: []Source{
			{Name: "query", Values: map[string][]string{"a": {}}},
			{Name: "form", Values: vals("a", "1")},
		}, want: map[string]string{"a": "1"}},

		{name: "conflict across sources", sources: []Source{
			{Name: "header", Values: vals("code", "x")},
			{Name: "form", Values: vals("code", "y")},
		}, conflict: &ConflictError{Param: "code", First: "x", Second: "y"}},
		{name: "conflict within source", sources: []Source{
			{Name: "query", Values: vals("code", "x", "code", "y")},
		}, conflict: &ConflictError{Param: "code", First: "x", Second: "y"}},
		{name: "empty vs non-empty conflicts", sources: []Source{
			{Name: "query", Values: vals("code", "")},
			{Name: "form", Values: vals("code", "x")},
		}, conflict: &ConflictError{Param: "code", First: "", Second: "x"}},
		{name: "deterministic first conflict", sources: []Source{
			{Name: "query", Values: vals("b", "1", "a", "1")},
			{Name: "form", Values: vals("b", "2", "a", "2")},
		}, conflict: &ConflictError{Param: "a", First: "1", Second: "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Merge(tt.sources...)
			if tt.conflict != nil {
				var ce *ConflictError
				if !errors.As(err, &ce) {
					t.Fatalf("err = %v, want *ConflictError", err)
				}
				if *ce != *tt.conflict {
					t.Fatalf("conflict = %+v, want %+v", *ce, *tt.conflict)
				}
				if got != nil {
					t.Fatalf("map %q returned with error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !maps.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConflictErrorMessage(t *testing.T) {
	err := &ConflictError{Param: "client_secret", First: "hunter2", Second: "hunter3"}
	want := `parameter "client_secret" given twice with different values`
	if err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err.Error(), want)
	}
	if strings.Contains(err.Error(), "hunter") {
		t.Fatal("error message leaks parameter values")
	}
}
