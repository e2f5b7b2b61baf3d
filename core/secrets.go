package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
)

// TokenLength is the length of every token, code, session id and client secret we issue:
// 40 characters of [A-Za-z0-9] carry 238 bits of entropy.
const TokenLength = 40

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewToken returns TokenLength random characters of [A-Za-z0-9] from crypto/rand. Rejection
// sampling (bytes >= 248 are dropped) keeps every character equally likely.
func NewToken() string {
	out := make([]byte, 0, TokenLength)
	buf := make([]byte, TokenLength+8)
	for len(out) < TokenLength {
		if _, err := rand.Read(buf); err != nil {
			panic("crypto/rand failed: " + err.Error()) // the OS RNG never fails on supported platforms
		}
		for _, b := range buf {
			if b < 248 && len(out) < TokenLength {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// Digest is how a secret is stored and looked up: SHA-256, hex. Our secrets are 238-bit random
// strings, so a fast hash is enough to make a database dump useless; a slow hash would only
// cap the token endpoint (see docs/performance.md).
func Digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CheckClientSecret refuses a client secret an operator chose (a static client's) unless it is
// 16 to 255 bytes: long enough not to be guessed, short enough for any client's settings.
func CheckClientSecret(secret string) error {
	if len(secret) < 16 || len(secret) > 255 {
		return invalid("a client secret must be 16 to 255 bytes long")
	}
	return nil
}

// Lengths of the tokens `oauthd import` carries over: Frappe's (oauthlib's generate_token) and
// the Odoo REST API module's. Like ours they are [A-Za-z0-9] only.
const (
	frappeTokenLength = 30
	odooTokenLength   = 32
)

// wellFormed reports whether s could be a token we issued or imported, so garbage is refused
// without a database round-trip.
func wellFormed(s string) bool {
	if len(s) != TokenLength && len(s) != frappeTokenLength && len(s) != odooTokenLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// equal compares two strings in constant time.
func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// CSRFToken derives the consent form's anti-forgery token from the session id and the
// authorization request the form approves: an HMAC keyed by the session id over every field of
// the request. Only the holder of the HttpOnly session cookie can know it, it needs no storage
// (so any instance can check it), it dies with the session, and a token that leaks (a
// screenshot, a log of form posts) approves that one request and no other.
func CSRFToken(sessionID string, req AuthorizeRequest) string {
	return FormToken(sessionID, "oauthd consent csrf v2", req.ClientID, req.RedirectURI, req.ResponseType,
		req.Scope, req.State, req.CodeChallenge, req.CodeChallengeMethod, req.Nonce)
}

// CheckCSRF verifies, in constant time, a token from CSRFToken for this session and request.
func CheckCSRF(sessionID string, req AuthorizeRequest, token string) bool {
	return sessionID != "" && token != "" && equal(CSRFToken(sessionID, req), token)
}

// FormToken is the HMAC, keyed by the session id, of a form's purpose (its first field) and
// what it submits: every server-rendered form's CSRF token.
func FormToken(sessionID string, fields ...string) string {
	mac := hmac.New(sha256.New, []byte(sessionID))
	mac.Write([]byte(fields[0]))
	for _, v := range fields[1:] {
		// Length-prefixed, so that no two different requests encode the same.
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(v)))
		mac.Write(n[:])
		mac.Write([]byte(v))
	}
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CheckFormToken verifies, in constant time, a token from FormToken.
func CheckFormToken(sessionID string, fields []string, token string) bool {
	return sessionID != "" && token != "" && equal(FormToken(sessionID, fields...), token)
}
