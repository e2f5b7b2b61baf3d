package core

import (
	"errors"
	"fmt"
	"time"
)

// RFC 6749 / RFC 6750 error codes.
const (
	ErrInvalidRequest          = "invalid_request"
	ErrInvalidClient           = "invalid_client"
	ErrInvalidGrant            = "invalid_grant"
	ErrUnauthorizedClient      = "unauthorized_client"
	ErrUnsupportedGrantType    = "unsupported_grant_type"
	ErrUnsupportedResponseType = "unsupported_response_type"
	ErrInvalidScope            = "invalid_scope"
	ErrAccessDenied            = "access_denied"
	ErrInvalidToken            = "invalid_token"
	ErrInsufficientScope       = "insufficient_scope"
	ErrTemporarilyUnavailable  = "temporarily_unavailable"
)

// Reason is the finer cause behind an error code. Dialects with their own messages (Odoo's
// "Invalid Authentication Code." versus "Authentication code expired") choose by it.
type Reason int

// Reasons, grouped by the operation that raises them.
const (
	ReasonUnspecified  Reason = iota
	ReasonUnavailable         // the database did not answer
	ReasonBadParameter        // a parameter is missing or malformed
	ReasonClientUnknown
	ReasonClientAuthFailed
	ReasonClientDocument   // a client ID metadata document could not be had or is not acceptable
	ReasonRedirectMismatch // redirect_uri not registered, or missing with no default
	ReasonResponseType
	ReasonScope
	ReasonPKCE
	ReasonGrantNotAllowed
	ReasonNoOwner
	ReasonCodeUnknown
	ReasonCodeUsed
	ReasonCodeExpired
	ReasonCodeMismatch // code presented with another redirect_uri
	ReasonRefreshInvalid
	ReasonRefreshReused
	ReasonTokenInvalid
	ReasonTokenMissing // no access token was sent at all
	ReasonInsufficientScope
	ReasonLoginFailed
	ReasonAccessDenied
	ReasonCodeMissing     // the code grant without a code
	ReasonRefreshMissing  // the refresh grant without a refresh token
	ReasonCodeWrongClient // a code issued to another client
	ReasonLoginRequired   // a consent decision without a live session
	ReasonCSRF            // a consent decision without its session's CSRF token
	ReasonRateLimited     // too many attempts: wait RetryAfter (HTTP 429)
	ReasonBusy            // every password-hashing slot is taken: retry shortly (HTTP 503)
	ReasonQuirkRefused    // a legacy behaviour this client may no longer use (see Quirks)
	ReasonRoleNotAllowed  // the user has none of the roles the client allows
)

// Error is what every core operation returns for a client-visible failure. Adapters render it
// in their dialect's shape; the core never decides how it looks on the wire.
type Error struct {
	Code        string
	Reason      Reason
	Description string
	// Redirectable marks authorization errors raised after client and redirect_uri were
	// verified: only those may be sent to the redirect_uri (RFC 6749 §4.1.2.1).
	Redirectable bool
	// RetryAfter, when set, is how long the caller should wait (rate-limited and busy errors).
	RetryAfter time.Duration
	cause      error
}

func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Description, e.cause)
	}
	return e.Code + ": " + e.Description
}

// Unavailable reports whether the error means the store did not answer: the request may be
// retried, and the dialect answers 503 rather than blaming the client.
func (e *Error) Unavailable() bool { return e.Reason == ReasonUnavailable }

// Unwrap exposes the underlying storage error, if any, for logs.
func (e *Error) Unwrap() error { return e.cause }

// Status is the HTTP status RFC 6749/6750 suggest for the error; dialects may override it.
func (e *Error) Status() int {
	if e.Reason == ReasonRateLimited {
		return 429
	}
	switch e.Code {
	case ErrInvalidClient, ErrInvalidToken:
		return 401
	case ErrInsufficientScope, ErrAccessDenied:
		return 403
	case ErrTemporarilyUnavailable:
		return 503
	default:
		return 400
	}
}

// AsError extracts a core error; any other error is reported as the store being unavailable,
// because the core only returns plain errors when the database failed.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return unavailable(err)
}

func fail(code string, reason Reason, description string) *Error {
	return &Error{Code: code, Reason: reason, Description: description}
}

func redirectable(code string, reason Reason, description string) *Error {
	return &Error{Code: code, Reason: reason, Description: description, Redirectable: true}
}

func unavailable(cause error) *Error {
	return &Error{Code: ErrTemporarilyUnavailable, Reason: ReasonUnavailable,
		Description: "The service is temporarily unavailable, try again.", cause: cause}
}

// rateLimited refuses an attempt until retry has passed.
func rateLimited(retry time.Duration) *Error {
	return &Error{Code: ErrAccessDenied, Reason: ReasonRateLimited, RetryAfter: retry,
		Description: "Too many login attempts, try again later."}
}

// busy refuses work the server has no capacity for right now.
func busy(retry time.Duration) *Error {
	return &Error{Code: ErrTemporarilyUnavailable, Reason: ReasonBusy, RetryAfter: retry,
		Description: "The server is busy, try again."}
}

// Outage is the error of a store that did not answer, for a caller that simulates one (the
// faults of `serve --ephemeral`): every endpoint renders it as its dialect's 503, and
// RetryAfter says when to try again.
func Outage(retryAfter time.Duration) *Error {
	e := unavailable(nil)
	e.RetryAfter = retryAfter
	return e
}

// InvalidGrant is the error a token request of grantType gets for a grant the server does not
// accept: an unknown or expired refresh token, or for any other grant an unknown code.
func InvalidGrant(grantType string) *Error {
	if grantType == GrantRefreshToken {
		e := *errRefreshInvalid
		return &e
	}
	e := *errCodeUnknown
	return &e
}
