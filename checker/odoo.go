package checker

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The module's paths (seed 003; odoo.md §3).
const (
	odooOAuth   = "/restapi/1.0/common/oauth2"
	odooSession = "/web/session/authenticate"
)

// odooRun is the Odoo document's flow on one server, in both parameter styles: the
// documented `Authorization: OAuth` header and the module's query and form parameters.
type odooRun struct {
	s                  *session
	opt                Options
	out                []Result
	headerCode, code   string // from the header-style and the query-style authorization
	access, refreshTok string
}

// headerNote explains why the real module refuses a header-style request as an unknown client.
const headerNote = "the real module reads OAuth2 parameters from the query and form only"

// noteIfUnknownClient is headerNote for a refusal with 401, the module's "Invalid Credentials.".
func noteIfUnknownClient(x exchange) string {
	if x.ans.status == http.StatusUnauthorized {
		return headerNote
	}
	return ""
}

func odooFlow(ctx context.Context, opt Options) []Result {
	s, err := newSession(ctx, opt)
	if err != nil {
		return []Result{failed(newResult(Odoo, "login"), exchange{ans: &answer{err: err}}, nil, err.Error())}
	}
	o := &odooRun{s: s, opt: opt}
	loggedIn := o.login()
	if loggedIn {
		o.authorizeHeader()
		o.authorizeQuery()
		o.authorizeErrors()
	} else {
		for _, step := range []string{"authorize_header", "authorize", "error_unknown_client", "error_redirect_mismatch"} {
			o.add(skipped(newResult(Odoo, step), "needs a logged-in session"))
		}
	}
	o.tokens()
	o.tokenErrors()
	return o.out
}

func (o *odooRun) add(r Result) { o.out = append(o.out, r) }

// header is the document's `Authorization: OAuth` header: single quotes, redirect_uri
// percent-encoded, and, as in its token example, no comma before grant_type.
func header(pairs ...string) string {
	var b strings.Builder
	b.WriteString("OAuth ")
	for i := 0; i+1 < len(pairs); i += 2 {
		v := pairs[i+1]
		if pairs[i] == "redirect_uri" {
			v = url.QueryEscape(v)
		}
		switch {
		case i == 0:
		case pairs[i] == "grant_type":
			b.WriteString(" ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(pairs[i] + "='" + v + "'")
	}
	return b.String()
}

func (o *odooRun) login() bool {
	r := newResult(Odoo, "login")
	params := map[string]any{"login": o.opt.User, "password": o.opt.Password}
	if o.opt.OdooDB != "" {
		params["db"] = o.opt.OdooDB
	}
	x := o.s.do(request{Method: http.MethodPost, Path: odooSession, Header: acceptJSON, Browser: true,
		JSON: map[string]any{"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}})
	if why := worked(x); why != "" || x.ans.json["result"] == nil {
		if why == "" {
			why = "no result: " + jsonText(x.ans.json["error"])
		}
		o.add(failed(r, x, &odooSessionShape, why))
		return false
	}
	o.add(judged(r, x, odooSessionShape))
	return true
}

// authorizeHeader is seed 003's request: the parameters in the header, 200 {"code","state"}.
func (o *odooRun) authorizeHeader() {
	r := newResult(Odoo, "authorize_header")
	state := nonce(30)
	x := o.s.do(request{Method: http.MethodGet, Path: odooOAuth + "/authorize", Header: append([]string{"Authorization",
		header("client_id", o.opt.ClientID, "state", state, "redirect_uri", o.opt.RedirectURI, "response_type", "code")},
		acceptJSON...), Browser: true})
	if f := o.s.follow(x); f.redirect != nil { // a redirect works for a browser, not for the document's client
		var code string
		if r, code = authorized(r, f, state); r.Status != Fail {
			r.Status, r.Expected, r.Request, r.Answer = Diff, odooCodeShape.describe(), x.req, x.ans.describe()
			r.Differences = append(r.Differences, "a redirect to redirect_uri instead of 200 {code, state}")
			o.headerCode = code
		}
		o.add(r)
		return
	}
	if why := worked(x, "code"); why != "" {
		r = failed(r, x, &odooCodeShape, why)
		r.Note = noteIfUnknownClient(x)
		o.add(r)
		return
	}
	o.headerCode = x.ans.str("code")
	r = judged(r, x, odooCodeShape)
	if got := x.ans.str("state"); got != state && r.Status == Pass {
		r.Status, r.Request, r.Answer = Diff, x.req, x.ans.describe()
		r.Differences = []string{fmt.Sprintf("state %q, not the %q sent", got, state)}
	}
	o.add(r)
}

// authorizeQuery is the module's own way: query parameters, a 302 to redirect_uri.
func (o *odooRun) authorizeQuery() {
	state := nonce(30)
	q := url.Values{"client_id": {o.opt.ClientID}, "redirect_uri": {o.opt.RedirectURI}, "response_type": {"code"},
		"state": {state}}
	f := o.s.follow(o.s.do(request{Method: http.MethodGet, Path: odooOAuth + "/authorize?" + q.Encode(),
		Header: acceptHTML, Browser: true}))
	r := newResult(Odoo, "authorize")
	if f.consent == nil {
		r, o.code = authorized(r, f, state)
		o.add(r)
		return
	}
	r.Status, r.Note = Pass, "the consent page was shown (the module asks nobody)"
	o.add(r)
	allow := newResult(Odoo, "consent_allow")
	allow, o.code = authorized(allow, o.s.decide(f.consent.allow), state)
	o.add(allow)
}

func (o *odooRun) token(form url.Values, hdr ...string) exchange {
	return o.s.do(request{Method: http.MethodPost, Path: odooOAuth + "/access_token", Form: form,
		Header: append(hdr, acceptJSON...)})
}

// tokens exchanges both codes (header style, form style), reads userinfo and refreshes.
func (o *odooRun) tokens() {
	if o.headerCode == "" {
		o.add(skipped(newResult(Odoo, "token_code_header"), "needs the header-style authorization's code"))
	} else {
		pairs := []string{"client_id", o.opt.ClientID}
		if o.opt.ClientSecret != "" {
			pairs = append(pairs, "client_secret", o.opt.ClientSecret)
		}
		pairs = append(pairs, "redirect_uri", o.opt.RedirectURI, "code", o.headerCode, "grant_type", "authorization_code")
		x := o.token(nil, "Authorization", header(pairs...))
		o.add(o.tokenResult("token_code_header", x, noteIfUnknownClient(x)))
	}
	if o.code == "" {
		for _, step := range []string{"token_code", "userinfo", "refresh"} {
			o.add(skipped(newResult(Odoo, step), "needs the query-style authorization's code"))
		}
		return
	}
	x := o.token(o.s.clientForm("code", o.code, "redirect_uri", o.opt.RedirectURI, "grant_type", "authorization_code"))
	r := o.tokenResult("token_code", x, "")
	o.add(r)
	if r.Status == Fail {
		o.add(skipped(newResult(Odoo, "userinfo"), "needs the form-style access token"))
		o.add(skipped(newResult(Odoo, "refresh"), "needs the form-style refresh token"))
		return
	}
	o.access, o.refreshTok = x.ans.str("access_token"), x.ans.str("refresh_token")
	o.add(o.userinfo())
	x = o.token(o.s.clientForm("grant_type", "refresh_token", "refresh_token", o.refreshTok))
	o.add(o.tokenResult("refresh", x, ""))
}

func (o *odooRun) tokenResult(step string, x exchange, note string) Result {
	r := newResult(Odoo, step)
	if why := worked(x, "access_token"); why != "" {
		r = failed(r, x, &odooTokenShape, why)
		r.Note = note
		return r
	}
	return judged(r, x, odooTokenShape)
}

func (o *odooRun) userinfo() Result {
	r := newResult(Odoo, "userinfo")
	x := o.s.do(request{Method: http.MethodGet, Path: odooOAuth + "/userinfo",
		Header: append([]string{"Authorization", "Bearer " + o.access}, acceptJSON...)})
	if why := worked(x, "sub"); why != "" {
		r = failed(r, x, &odooUserinfoShape, why)
		r.Note = "the module has no userinfo; clients built with NextAuth expect one"
		return r
	}
	return judged(r, x, odooUserinfoShape)
}

// authorizeErrors are the module's authorization errors (odoo.md §3.2), which never redirect.
func (o *odooRun) authorizeErrors() {
	authorize := func(clientID, redirectURI string) exchange {
		q := url.Values{"client_id": {clientID}, "redirect_uri": {redirectURI}, "response_type": {"code"}, "state": {nonce(30)}}
		return o.s.do(request{Method: http.MethodGet, Path: odooOAuth + "/authorize?" + q.Encode(), Header: acceptJSON,
			Browser: true})
	}
	o.add(refusal(newResult(Odoo, "error_unknown_client"), authorize("checker-"+nonce(16), o.opt.RedirectURI),
		odooError(401, "Invalid Credentials.")))
	o.add(refusal(newResult(Odoo, "error_redirect_mismatch"),
		authorize(o.opt.ClientID, strings.TrimRight(o.opt.RedirectURI, "/")+"/checker-unregistered"),
		odooError(400, "redirect uri mismatch.")))
}

// tokenErrors are the module's token and resource errors (odoo.md §3.3, §3.6): status, code
// and message.
func (o *odooRun) tokenErrors() {
	if o.opt.ClientSecret == "" {
		o.add(skipped(newResult(Odoo, "error_bad_secret"), "a public client has no secret"))
	} else {
		form := o.s.clientForm("grant_type", "authorization_code", "code", nonce(32), "redirect_uri", o.opt.RedirectURI)
		form.Set("client_secret", "checker-wrong-"+nonce(16))
		o.add(refusal(newResult(Odoo, "error_bad_secret"), o.token(form), odooError(401, "Invalid Credentials.")))
	}
	o.add(refusal(newResult(Odoo, "error_unknown_code"), o.token(o.s.clientForm("grant_type", "authorization_code",
		"code", nonce(32), "redirect_uri", o.opt.RedirectURI)), odooError(401, "Invalid Authentication Code.")))
	o.add(refusal(newResult(Odoo, "error_bad_refresh"), o.token(o.s.clientForm("grant_type", "refresh_token",
		"refresh_token", nonce(32))), odooError(400, "Invalid Refresh Token.")))
	bad := o.s.do(request{Method: http.MethodGet, Path: odooOAuth + "/userinfo",
		Header: append([]string{"Authorization", "Bearer " + nonce(32)}, acceptJSON...)})
	o.add(refusal(newResult(Odoo, "error_bad_bearer"), bad, odooError(401, "Access Token Invalid")))
	if o.code == "" {
		o.add(skipped(newResult(Odoo, "error_code_reused"), "needs the query-style authorization's code"))
		return
	}
	x := o.token(o.s.clientForm("code", o.code, "redirect_uri", o.opt.RedirectURI, "grant_type", "authorization_code"))
	o.add(refusal(newResult(Odoo, "error_code_reused"), x, odooError(400, "Authentication code expired")))
}
