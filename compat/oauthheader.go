package compat

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotOAuth is returned when the value does not use the OAuth scheme.
// Callers use it to fall through to the Basic/Bearer parsers, so it is kept
// distinct from the syntax errors below, which mean "this was OAuth, but
// broken".
var ErrNotOAuth = errors.New("oauth header: not an OAuth authorization header")

const (
	// maxOAuthParams caps how many name=value pairs (realm included) one
	// header may carry; real clients send a handful.
	maxOAuthParams = 64
	// maxOAuthValueLen caps a decoded value. The cap is on the decoded
	// length so that re-encoding a value we accepted never makes it
	// unacceptable. While scanning we bail out once the raw text exceeds
	// three times this, since "%XX" is the longest encoding of one byte.
	maxOAuthValueLen = 8192
	maxOAuthRawLen   = 3 * maxOAuthValueLen
)

// ParseOAuthHeader parses `OAuth k='v', k2="v2" k3=v3`.
//
// The grammar is deliberately more tolerant than RFC 5849 §3.5.1, because the
// Odoo "restapi" module docs show clients sending single quotes and no comma
// between some pairs, and HTTP line folding can leave CR/LF in the value:
//
//   - Leading whitespace is skipped; the scheme "OAuth" is matched
//     case-insensitively and must be followed by whitespace or the end.
//     Anything else (including an empty value) yields ErrNotOAuth.
//   - Pairs are separated by any mix of commas, spaces, tabs, CR and LF;
//     empty and trailing commas are fine.
//   - A pair is `name = value`, with optional whitespace around "=". Names
//     are case-sensitive tokens of ASCII letters, digits, '_', '-' and '.'.
//     A name without "=" is an error.
//   - A value is double-quoted (a backslash escapes the next character, as
//     in an HTTP quoted-pair, so `\"` and `\\` work), single-quoted (no
//     escapes; it ends at the next '), or bare (up to the next comma or
//     whitespace). A quoted value must be followed by a separator or the
//     end. Values may be empty. Because whitespace after "=" is skipped,
//     `a= b=c` gives a the bare value "b=c"; write `a="" b=c` or `a=, b=c`
//     for an empty a.
//   - Every value except realm's is percent-decoded exactly once (RFC 5849
//     §3.6): "%XX" becomes a byte, "+" stays "+", and a stray or malformed
//     "%" is an error. Decoding once matters: decoding twice would let
//     "%2541" smuggle in a different value than the client signed/sent.
//   - "realm" is ignored (it is an RFC 2617 quoted-string, not
//     percent-encoded, and carries nothing we use), but it still has to be
//     well-formed and counts towards the parameter cap.
//   - A name given twice is an error, even with the same value: there is no
//     legitimate reason for it and silently picking one invites confusion.
//   - At most 64 pairs, and at most 8192 bytes per decoded value.
//
// The value is only ever scanned; nothing in it is evaluated.
func ParseOAuthHeader(value string) (map[string]string, error) {
	s := value
	i := skipOAuthSpace(s, 0)
	j := i
	for j < len(s) && !isOAuthSpace(s[j]) {
		j++
	}
	if !strings.EqualFold(s[i:j], "OAuth") {
		return nil, ErrNotOAuth
	}
	i = j

	params := make(map[string]string)
	count := 0
	for {
		// Separators: any run of commas and whitespace.
		for i < len(s) && (s[i] == ',' || isOAuthSpace(s[i])) {
			i++
		}
		if i >= len(s) {
			return params, nil
		}

		start := i
		for i < len(s) && isOAuthNameChar(s[i]) {
			i++
		}
		name := s[start:i]
		if name == "" {
			return nil, fmt.Errorf("oauth header: unexpected character %q at offset %d", s[i], i)
		}
		i = skipOAuthSpace(s, i)
		if i >= len(s) || s[i] != '=' {
			return nil, fmt.Errorf("oauth header: parameter %q has no '='", name)
		}
		i = skipOAuthSpace(s, i+1)

		raw, next, err := scanOAuthValue(s, i, name)
		if err != nil {
			return nil, err
		}
		i = next

		count++
		if count > maxOAuthParams {
			return nil, fmt.Errorf("oauth header: more than %d parameters", maxOAuthParams)
		}
		if name == "realm" {
			continue
		}
		if _, dup := params[name]; dup {
			return nil, fmt.Errorf("oauth header: duplicate parameter %q", name)
		}
		decoded, err := percentDecodeOnce(raw)
		if err != nil {
			return nil, fmt.Errorf("oauth header: parameter %q: %w", name, err)
		}
		if len(decoded) > maxOAuthValueLen {
			return nil, fmt.Errorf("oauth header: parameter %q value longer than %d bytes", name, maxOAuthValueLen)
		}
		params[name] = decoded
	}
}

// scanOAuthValue reads one value starting at s[i] and returns its raw
// (unquoted, unescaped, still percent-encoded) text and the index just past
// it.
func scanOAuthValue(s string, i int, name string) (string, int, error) {
	tooLong := fmt.Errorf("oauth header: parameter %q value longer than %d bytes", name, maxOAuthValueLen)
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		quote := s[i]
		i++
		var raw string
		if quote == '\'' {
			end := strings.IndexByte(s[i:], '\'')
			if end < 0 {
				return "", 0, fmt.Errorf("oauth header: unterminated quote in parameter %q", name)
			}
			raw = s[i : i+end]
			i += end + 1
		} else {
			var b strings.Builder
			closed := false
			for i < len(s) {
				c := s[i]
				if c == '"' {
					i++
					closed = true
					break
				}
				if c == '\\' {
					i++
					if i >= len(s) {
						break
					}
					c = s[i]
				}
				b.WriteByte(c)
				i++
				if b.Len() > maxOAuthRawLen {
					return "", 0, tooLong
				}
			}
			if !closed {
				return "", 0, fmt.Errorf("oauth header: unterminated quote in parameter %q", name)
			}
			raw = b.String()
		}
		// `a="x"y` is ambiguous; refuse it rather than guess.
		if i < len(s) && s[i] != ',' && !isOAuthSpace(s[i]) {
			return "", 0, fmt.Errorf("oauth header: unexpected character %q after quoted value of parameter %q", s[i], name)
		}
		if len(raw) > maxOAuthRawLen {
			return "", 0, tooLong
		}
		return raw, i, nil
	}
	start := i
	for i < len(s) && s[i] != ',' && !isOAuthSpace(s[i]) {
		i++
	}
	if i-start > maxOAuthRawLen {
		return "", 0, tooLong
	}
	return s[start:i], i, nil
}

// percentDecodeOnce undoes RFC 3986 percent-encoding exactly once. Unlike
// url.QueryUnescape it leaves '+' alone: RFC 5849 §3.6 encoding never turns
// a space into '+', so a '+' on the wire is a literal plus (common in
// base64-ish secrets).
func percentDecodeOnce(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("invalid percent-encoding %q", s[i:])
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", fmt.Errorf("invalid percent-encoding %q", s[i:i+3])
		}
		b = append(b, hi<<4|lo)
		i += 2
	}
	return string(b), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// isOAuthSpace includes CR and LF because a folded header line may reach us
// with the line break still in it.
func isOAuthSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

func skipOAuthSpace(s string, i int) int {
	for i < len(s) && isOAuthSpace(s[i]) {
		i++
	}
	return i
}

func isOAuthNameChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '-' || c == '.'
}
