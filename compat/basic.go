package compat

import (
	"encoding/base64"
	"net/url"
	"strings"
)

// ParseBasicAuth parses `Basic base64(id:secret)` client credentials.
//
// Unlike net/http's Request.BasicAuth, it form-urldecodes the id and the
// secret: RFC 6749 §2.3.1 says they are application/x-www-form-urlencoded
// before being base64-encoded, so a secret containing ':' or '%' arrives
// escaped, and '+' means a space. Clients that skip the encoding still work
// as long as their credentials contain none of "%+:" (ours never do).
//
// The scheme is matched case-insensitively. The payload may be padded or
// unpadded base64, since some clients strip the '='. It splits on the first
// colon (an encoded id cannot contain one). An undecodable payload or part,
// a missing colon, or an empty id gives ok=false; an empty secret is allowed
// and left for the caller to judge.
func ParseBasicAuth(value string) (id, secret string, ok bool) {
	payload, ok := cutScheme(value, "Basic")
	if !ok || payload == "" {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(payload)
		if err != nil {
			return "", "", false
		}
	}
	encID, encSecret, found := strings.Cut(string(raw), ":")
	if !found {
		return "", "", false
	}
	id, err = url.QueryUnescape(encID)
	if err != nil || id == "" {
		return "", "", false
	}
	secret, err = url.QueryUnescape(encSecret)
	if err != nil {
		return "", "", false
	}
	return id, secret, true
}

// cutScheme checks that value starts with scheme (any case) followed by at
// least one space or tab, and returns the rest with surrounding spaces and
// tabs trimmed. Surrounding whitespace on the whole value is tolerated, as
// HTTP (RFC 9110 §5.5) says it is not part of the field value.
func cutScheme(value, scheme string) (rest string, ok bool) {
	v := strings.Trim(value, " \t")
	if len(v) <= len(scheme) || !strings.EqualFold(v[:len(scheme)], scheme) {
		return "", false
	}
	if v[len(scheme)] != ' ' && v[len(scheme)] != '\t' {
		return "", false
	}
	return strings.Trim(v[len(scheme):], " \t"), true
}
