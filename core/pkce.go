package core

import (
	"crypto/sha256"
	"encoding/base64"
)

// PKCE methods (RFC 7636).
const (
	PKCES256  = "S256"
	PKCEPlain = "plain"
)

// unreservedOnly reports whether s uses only RFC 3986 unreserved characters, the alphabet of
// code verifiers and challenges.
func unreservedOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// checkChallenge validates the authorize-time PKCE parameters and returns the method to store;
// whether the client may use plain is the caller's to decide (plain_pkce).
func checkChallenge(challenge, method string) (string, *Error) {
	if challenge == "" {
		if method != "" {
			return "", redirectable(ErrInvalidRequest, ReasonPKCE, "code_challenge_method given without code_challenge.")
		}
		return "", nil
	}
	if method == "" {
		method = PKCEPlain // RFC 7636 §4.3 default
	}
	switch {
	case method != PKCES256 && method != PKCEPlain:
		return "", redirectable(ErrInvalidRequest, ReasonPKCE, "Transform algorithm not supported.")
	case len(challenge) < 43 || len(challenge) > 128 || !unreservedOnly(challenge):
		return "", redirectable(ErrInvalidRequest, ReasonPKCE, "Invalid code_challenge.")
	}
	return method, nil
}

// verifyPKCE checks a token request's code_verifier against what the code stored. A verifier
// sent for a code without a challenge is refused too (the PKCE downgrade, RFC 9700 §4.8.2).
func verifyPKCE(challenge, method, verifier string, minLen int) *Error {
	switch {
	case challenge == "" && verifier == "":
		return nil
	case challenge == "":
		return fail(ErrInvalidGrant, ReasonPKCE, "code_verifier given but the authorization request had no code_challenge.")
	case verifier == "":
		return fail(ErrInvalidGrant, ReasonPKCE, "Code verifier required.")
	case len(verifier) < minLen || len(verifier) > 128 || !unreservedOnly(verifier):
		return fail(ErrInvalidGrant, ReasonPKCE, "Invalid code_verifier.")
	}
	computed := verifier
	if method == PKCES256 {
		sum := sha256.Sum256([]byte(verifier))
		computed = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	if !equal(computed, challenge) {
		return fail(ErrInvalidGrant, ReasonPKCE, "PKCE verification failed.")
	}
	return nil
}
