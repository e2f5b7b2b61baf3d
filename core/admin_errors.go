package core

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidInput marks an administrative request that is wrong as given (a bad email, an
// unknown grant type, a taken client id); nothing was written.
var ErrInvalidInput = errors.New("invalid input")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}

// ErrUnknown marks an administrative request naming a user or client that does not exist. It
// always comes wrapped together with ErrInvalidInput: the CLI exits 1, the admin API says 404.
var ErrUnknown = errors.New("not found")

func unknown(format string, args ...any) error {
	return fmt.Errorf("%w: %w: %s", ErrInvalidInput, ErrUnknown, fmt.Sprintf(format, args...))
}

// Message is an administrative error's text without the sentinel prefixes ("invalid input:
// not found: "), for front ends that convey the kind otherwise (a status, a field name).
func Message(err error) string {
	m := err.Error()
	for _, p := range []string{ErrInvalidInput.Error() + ": ", ErrUnknown.Error() + ": "} {
		m = strings.TrimPrefix(m, p)
	}
	return m
}
