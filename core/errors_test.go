package core

import (
	"errors"
	"testing"
)

func TestErrorUnavailable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"store down", errors.New("dial tcp: refused"), true},
		{"wrapped", errors.Join(errors.New("ctx"), &Error{Reason: ReasonUnavailable}), true},
		{"login failed", &Error{Code: ErrAccessDenied, Reason: ReasonLoginFailed}, false},
		{"bad code", errCodeUnknown, false},
	} {
		if got := AsError(tc.err).Unavailable(); got != tc.want {
			t.Errorf("%s: Unavailable = %v, want %v", tc.name, got, tc.want)
		}
	}
}
