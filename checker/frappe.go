package checker

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Frappe's paths (seed 000; frappe.md §1.11).
const (
	frappeMethods    = "/api/method/frappe.integrations.oauth2."
	frappeLogin      = "/api/method/login"
	frappeLoggedUser = "/api/method/frappe.auth.get_logged_user"
)

// frappeRun is the Frappe document's flow on one server: a browser session, then the client.
type frappeRun struct {
	s       *session
	opt     Options
	out     []Result
	code    string // the code Allow gave, exchanged once (then replayed)
	access  string // the live access token
	refresh string
}

func frappeFlow(ctx context.Context, opt Options) []Result {
	s, err := newSession(ctx, opt)
	if err != nil {
		return []Result{failed(newResult(Frappe, "login"), exchange{ans: &answer{err: err}}, nil, err.Error())}
	}
	f := &frappeRun{s: s, opt: opt}
	if !f.login() {
		for _, step := range []string{"authorize", "consent_allow", "consent_deny", "token_code", "bearer",
			"bearer_misspelt", "refresh", "revoke", "revoked_refused", "error_unknown_client",
			"error_redirect_mismatch"} {
			f.add(skipped(newResult(Frappe, step), "needs a logged-in session"))
		}
	} else {
		f.authorize()
		f.tokens()
		f.authorizeErrors()
	}
	f.tokenErrors()
	return f.out
}

func (f *frappeRun) add(r Result) { f.out = append(f.out, r) }

func (f *frappeRun) post(method string, form url.Values) exchange {
	return f.s.do(request{Method: http.MethodPost, Path: frappeMethods + method, Form: form, Header: acceptJSON})
}

func (f *frappeRun) loggedUser(header, token string) exchange {
	return f.s.do(request{Method: http.MethodGet, Path: frappeLoggedUser,
		Header: append([]string{header, "Bearer " + token}, acceptJSON...)})
}

func (f *frappeRun) login() bool {
	r := newResult(Frappe, "login")
	x := f.s.do(request{Method: http.MethodPost, Path: frappeLogin, Header: acceptJSON, Browser: true,
		Form: url.Values{"usr": {f.opt.User}, "pwd": {f.opt.Password}}})
	if why := worked(x, "message"); why != "" {
		f.add(failed(r, x, &frappeLoginShape, why))
		return false
	}
	f.add(judged(r, x, frappeLoginShape))
	return true
}

// authorizeURL is the document's authorization request.
func (f *frappeRun) authorizeURL(clientID, redirectURI, state string) string {
	q := url.Values{"client_id": {clientID}, "response_type": {"code"}, "redirect_uri": {redirectURI},
		"state": {state}}
	if f.opt.Scope != "" {
		q.Set("scope", f.opt.Scope)
	}
	return frappeMethods + "authorize?" + q.Encode()
}

// authorize runs the document's authorization twice when consent is asked, Deny first (a
// remembered Allow would hide the page), then Allow; once when it is not.
func (f *frappeRun) authorize() {
	state := nonce(24)
	first := f.s.follow(f.s.do(request{Method: http.MethodGet, Path: f.authorizeURL(f.opt.ClientID, f.opt.RedirectURI, state),
		Header: acceptHTML, Browser: true}))
	r := newResult(Frappe, "authorize")
	switch {
	case first.consent == nil:
		r, f.code = authorized(r, first, state)
		f.add(r)
		noPage := "no consent page: the client skips authorization, or the user's consent is remembered"
		f.add(skipped(newResult(Frappe, "consent_allow"), noPage))
		f.add(skipped(newResult(Frappe, "consent_deny"), noPage))
		return
	default:
		r.Status, r.Note = Pass, "the consent page was shown"
		f.add(r)
	}
	f.add(f.deny(first.consent))
	state = nonce(24)
	second := f.s.follow(f.s.do(request{Method: http.MethodGet, Path: f.authorizeURL(f.opt.ClientID, f.opt.RedirectURI, state),
		Header: acceptHTML, Browser: true}))
	allow := newResult(Frappe, "consent_allow")
	if second.consent == nil {
		f.add(failed(allow, second.last, nil, "the second authorization showed no consent page: "+second.problem))
		return
	}
	allow, f.code = authorized(allow, f.s.decide(second.consent.allow), state)
	f.add(allow)
}

// deny clicks Deny: the document sends the browser to redirect_uri?error=access_denied.
func (f *frappeRun) deny(page *consentPage) Result {
	r := newResult(Frappe, "consent_deny")
	if page.deny == nil {
		return failed(r, exchange{ans: &answer{}}, nil, "the consent page has no Deny button")
	}
	d := f.s.decide(page.deny)
	switch {
	case d.redirect == nil:
		return failed(r, d.last, nil, d.problem)
	case d.redirect.Query().Get("error") != "access_denied":
		return failed(r, d.last, nil, "Deny did not redirect with error=access_denied")
	}
	r.Status = Pass
	return r
}

// tokens exchanges the code, calls the API with the token (both header spellings), refreshes,
// revokes and checks the revoked token is refused.
func (f *frappeRun) tokens() {
	r := newResult(Frappe, "token_code")
	if f.code == "" {
		for _, step := range []string{"token_code", "bearer", "bearer_misspelt", "refresh", "revoke", "revoked_refused"} {
			f.add(skipped(newResult(Frappe, step), "needs an authorization code"))
		}
		return
	}
	x := f.post("get_token", f.s.clientForm("grant_type", "authorization_code", "code", f.code, "redirect_uri", f.opt.RedirectURI))
	if why := worked(x, "access_token"); why != "" {
		f.add(failed(r, x, &frappeTokenShape, why))
		for _, step := range []string{"bearer", "bearer_misspelt", "refresh", "revoke", "revoked_refused"} {
			f.add(skipped(newResult(Frappe, step), "needs the code's access token"))
		}
		return
	}
	f.add(judged(r, x, frappeTokenShape))
	f.access, f.refresh = x.ans.str("access_token"), x.ans.str("refresh_token")
	f.add(f.bearer("bearer", "Authorization"))
	misspelt := f.bearer("bearer_misspelt", "Authorizaton")
	if misspelt.Status == Fail {
		misspelt.Note = "the seed documents print this spelling; Frappe itself reads only Authorization"
	}
	f.add(misspelt)
	f.add(f.refreshed())
	f.revoke()
}

func (f *frappeRun) bearer(step, header string) Result {
	r := newResult(Frappe, step)
	x := f.loggedUser(header, f.access)
	if why := worked(x, "message"); why != "" {
		return failed(r, x, &frappeUserShape, why)
	}
	r = judged(r, x, frappeUserShape)
	if got := x.ans.str("message"); !strings.EqualFold(got, f.opt.User) && r.Status == Pass {
		r.Status, r.Request, r.Answer = Diff, x.req, x.ans.describe()
		r.Differences = []string{fmt.Sprintf("message %q: not the user who logged in (%q)", got, f.opt.User)}
	}
	return r
}

func (f *frappeRun) refreshed() Result {
	r := newResult(Frappe, "refresh")
	if f.refresh == "" {
		return skipped(r, "the code exchange gave no refresh_token")
	}
	x := f.post("get_token", f.s.clientForm("grant_type", "refresh_token", "refresh_token", f.refresh,
		"redirect_uri", f.opt.RedirectURI))
	if why := worked(x, "access_token"); why != "" {
		return failed(r, x, &frappeTokenShape, why)
	}
	r = judged(r, x, frappeTokenShape)
	if next := x.ans.str("access_token"); next == f.access && r.Status == Pass {
		r.Status, r.Request, r.Answer = Diff, x.req, x.ans.describe()
		r.Differences = []string{"the same access_token again (the document shows a new one)"}
	}
	f.access = x.ans.str("access_token")
	return r
}

// revoke sends the token alone, as the document does, then checks it no longer works.
func (f *frappeRun) revoke() {
	r := newResult(Frappe, "revoke")
	x := f.post("revoke_token", url.Values{"token": {f.access}})
	if why := worked(x); why != "" {
		f.add(failed(r, x, &frappeRevokeShape, why))
		f.add(skipped(newResult(Frappe, "revoked_refused"), "needs the revocation to work"))
		return
	}
	f.add(judged(r, x, frappeRevokeShape))
	after := newResult(Frappe, "revoked_refused")
	y := f.loggedUser("Authorization", f.access)
	if y.ans.err == nil && y.ans.status < 400 {
		f.add(failed(after, y, &frappeRefused, fmt.Sprintf("the revoked token still works: status %d", y.ans.status)))
		return
	}
	f.add(refusal(after, y, frappeRefused))
}

// authorizeErrors are the authorization errors that must never redirect: Frappe answers them
// in its JSON shape (frappe.md §1.1).
func (f *frappeRun) authorizeErrors() {
	for step, target := range map[string]string{
		"error_unknown_client":    f.authorizeURL("checker-"+nonce(16), f.opt.RedirectURI, nonce(24)),
		"error_redirect_mismatch": f.authorizeURL(f.opt.ClientID, strings.TrimRight(f.opt.RedirectURI, "/")+"/checker-unregistered", nonce(24)),
	} {
		x := f.s.do(request{Method: http.MethodGet, Path: target, Header: acceptJSON, Browser: true})
		f.add(refusal(newResult(Frappe, step), x, frappeAuthorizeErr))
	}
}

// tokenErrors need no session: an unknown code, the used code, an unknown bearer token, and
// revoke_token without a token.
func (f *frappeRun) tokenErrors() {
	x := f.post("get_token", f.s.clientForm("grant_type", "authorization_code", "code", nonce(30), "redirect_uri", f.opt.RedirectURI))
	f.add(refusal(newResult(Frappe, "error_unknown_code"), x, frappeInvalidGrant))
	if f.code == "" {
		f.add(skipped(newResult(Frappe, "error_code_reused"), "needs an authorization code"))
	} else {
		x = f.post("get_token", f.s.clientForm("grant_type", "authorization_code", "code", f.code, "redirect_uri", f.opt.RedirectURI))
		f.add(refusal(newResult(Frappe, "error_code_reused"), x, frappeInvalidGrant))
	}
	f.add(refusal(newResult(Frappe, "error_bad_bearer"), f.loggedUser("Authorization", nonce(30)), frappeRefused))
	f.add(refusal(newResult(Frappe, "error_revoke_no_token"), f.post("revoke_token", url.Values{}), frappeBadRevoke))
}
