package core

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"oauthd/models"
)

// Prompt is OpenID Connect's prompt parameter (Core §3.1.2.1).
type Prompt struct {
	None    bool // no UI at all: login_required / consent_required instead
	Login   bool // re-authenticate even with a session
	Consent bool // ask even when consent is on record
}

// parsePrompt reads a space-separated prompt; unknown values and none with others are invalid.
func parsePrompt(s string) (Prompt, *Error) {
	var p Prompt
	words := strings.Fields(s)
	for _, w := range words {
		switch w {
		case "none":
			p.None = true
		case "login":
			p.Login = true
		case "consent":
			p.Consent = true
		case "select_account": // one account per browser: nothing to select
		default:
			return p, redirectable(ErrInvalidRequest, ReasonBadParameter, "Unsupported prompt value "+strconv.Quote(w)+".")
		}
	}
	if p.None && len(words) > 1 {
		return p, redirectable(ErrInvalidRequest, ReasonBadParameter, "prompt=none cannot be combined with other values.")
	}
	return p, nil
}

// parseMaxAge reads max_age in seconds; -1 when absent.
func parseMaxAge(s string) (int64, *Error) {
	if s == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return -1, redirectable(ErrInvalidRequest, ReasonBadParameter, "max_age must be a whole number of seconds.")
	}
	return n, nil
}

// LoginNeeded reports whether an authorization request needs the user to log in (again)
// before it can go on: there is no session, prompt=login asks for it, or the login is older
// than max_age allows. Malformed prompt or max_age values are left for Authorize to refuse.
func (e *Engine) LoginNeeded(req AuthorizeRequest, user *models.User, loginAt time.Time) bool {
	if user == nil {
		return true
	}
	if p, _ := parsePrompt(req.Prompt); p.Login {
		return true
	}
	maxAge, _ := parseMaxAge(req.MaxAge)
	// >=, not >: max_age=0 means a login now, even one a moment old (OIDC Core §3.1.2.1).
	return maxAge >= 0 && e.now().Sub(loginAt) >= time.Duration(maxAge)*time.Second
}

// LoginRequired is the error prompt=none gets when a login would be needed; it goes to the
// verified redirect URI.
func LoginRequired() *Error {
	return redirectable("login_required", ReasonAccessDenied, "The user must log in.")
}

// ConsentRequired is the error prompt=none gets when the consent page would be shown.
func ConsentRequired() *Error {
	return redirectable("consent_required", ReasonAccessDenied, "The user must approve this client.")
}

// PromptNone reports whether the request forbids any UI (prompt=none).
func PromptNone(req AuthorizeRequest) bool {
	p, _ := parsePrompt(req.Prompt)
	return p.None
}

// AfterLogin rewrites the query of an authorization request that sent the user to the login
// page, for the way back: the login just made satisfies prompt=login and max_age, which would
// otherwise send the user to log in again and again. The id_token's auth_time still tells the
// client when that login was.
func AfterLogin(query url.Values) url.Values {
	out := url.Values{}
	for k, v := range query {
		out[k] = append([]string(nil), v...)
	}
	out.Del("max_age")
	if p := out.Get("prompt"); p != "" {
		var keep []string
		for _, w := range strings.Fields(p) {
			if w != "login" {
				keep = append(keep, w)
			}
		}
		out.Del("prompt")
		if len(keep) > 0 {
			out.Set("prompt", strings.Join(keep, " "))
		}
	}
	return out
}
