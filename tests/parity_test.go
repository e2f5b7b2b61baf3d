package tests

// One table of scenarios run through both dialects. Each step asserts the outcome the core
// promises and the shape the dialect documents (parity_driver_test.go); each run also records
// a dialect-neutral trace of outcomes, and the two traces of a scenario must be equal.

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// parityClient is a registered client and how it authenticates at the token endpoint.
type parityClient struct {
	Client
	basic bool // HTTP Basic; otherwise client_id and client_secret in the form
}

// parityRun is one scenario on one dialect: its own server with the parity user and three
// skip-authorization clients, a browser logged in through the dialect's login API, and the
// trace of outcomes.
type parityRun struct {
	t     *testing.T
	d     parityDialect
	s     *Server
	b     *http.Client
	post  parityClient // client_secret_post, rotating refresh tokens (the default)
	basic parityClient // client_secret_basic, rotating
	keep  parityClient // client_secret_post, --refresh-rotation off (the Odoo module's way)
	trace *[]string
}

func parityStart(t *testing.T, d parityDialect, opts ...Option) *parityRun {
	t.Helper()
	s := StartServer(t, append(opts, frappeCompatAuth...)...)
	s.AddUser(t, parityEmail, parityPassword, parityName)
	add := func(method string, extra ...string) parityClient {
		args := append([]string{"--name", "Parity " + method, "--redirect-uri", parityRedirect,
			"--auth-method", method, "--skip-authorization"}, extra...)
		return parityClient{Client: s.AddClient(t, args...), basic: method == "client_secret_basic"}
	}
	r := &parityRun{t: t, d: d, s: s, trace: new([]string)}
	r.post, r.basic = add("client_secret_post"), add("client_secret_basic")
	r.keep = add("client_secret_post", "--refresh-rotation", "off")
	r.b = d.login(t, s, parityEmail, parityPassword)
	return r
}

// at is this run speaking another dialect to the same server, recording into the same trace.
func (r *parityRun) at(d parityDialect) *parityRun {
	c := *r
	c.d = d
	return &c
}

// other is the dialect this run does not speak.
func (r *parityRun) other() parityDialect {
	for _, d := range parityDialects {
		if d.name() != r.d.name() {
			return d
		}
	}
	panic("one dialect only")
}

func (r *parityRun) step(label, outcome string) { *r.trace = append(*r.trace, label+": "+outcome) }

// query is an authorization request of c; extra name/value pairs override.
func (r *parityRun) query(c parityClient, extra ...string) url.Values {
	q := url.Values{"client_id": {c.ID}, "response_type": {"code"}, "redirect_uri": {parityRedirect},
		"scope": {"all openid"}, "state": {"st-" + randomHex(6)}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

// authorize sends q with the logged-in browser, with a browser's Accept header or none.
func (r *parityRun) authorize(q url.Values, browser bool) *Resp {
	r.t.Helper()
	var hdr []string
	if browser {
		hdr = []string{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
	}
	return Send(r.t, r.b, http.MethodGet, r.d.authorizeURL(r.s.URL)+"?"+q.Encode(), nil, hdr...)
}

// code authorizes c and returns the code of the redirect, which must carry the state back.
func (r *parityRun) code(c parityClient) string {
	r.t.Helper()
	q := r.query(c)
	resp := r.authorize(q, false)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.Status != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), parityRedirect+"?") ||
		loc.Query().Get("state") != q.Get("state") || len(loc.Query().Get("code")) != 40 {
		r.t.Fatalf("authorize: want a 302 to %s?code=...&state=%s, got %d %q: %s", parityRedirect, q.Get("state"),
			resp.Status, resp.Header.Get("Location"), resp.Raw)
	}
	r.step("authorize", "redirect with code and state")
	return loc.Query().Get("code")
}

// authorizeFatal sends q, as a plain client and as a browser, and requires an error answered
// in place: nothing may go to an unverified redirect URI.
func (r *parityRun) authorizeFatal(label string, q url.Values, want parityKind) {
	r.t.Helper()
	for _, browser := range []bool{false, true} {
		resp := r.authorize(q, browser)
		if resp.Status/100 == 3 || resp.Header.Get("Location") != "" {
			r.t.Fatalf("%s (browser %v): redirected (%d) to %q", label, browser, resp.Status, resp.Header.Get("Location"))
		}
		r.d.checkAuthorizeFatal(r.t, resp, want, browser)
	}
	r.step(label, "refused in place")
}

type parityTokens struct{ access, refresh string }

// token posts a token request as c, checks the answer against want in the dialect's shape
// and records the outcome (with the RFC 6749 error code, which both dialects send).
func (r *parityRun) token(label string, c parityClient, form url.Values, want parityKind) parityTokens {
	r.t.Helper()
	var basic *Client
	if c.basic {
		basic = &c.Client
	} else {
		form.Set("client_id", c.ID)
		form.Set("client_secret", c.Secret)
	}
	resp := parityPostForm(r.t, r.d.tokenURL(r.s.URL), form, basic)
	r.d.checkToken(r.t, resp, want, c.basic)
	outcome := "issued"
	if resp.Status != http.StatusOK {
		outcome = "refused " + resp.Str("error")
	}
	r.step(label, outcome)
	return parityTokens{access: resp.Str("access_token"), refresh: resp.Str("refresh_token")}
}

func (r *parityRun) exchange(label string, c parityClient, code string, want parityKind) parityTokens {
	r.t.Helper()
	return r.token(label, c, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {parityRedirect}}, want)
}

func (r *parityRun) refresh(label string, c parityClient, refreshToken string, want parityKind) parityTokens {
	r.t.Helper()
	return r.token(label, c, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}, want)
}

// tokens runs the whole code flow for c.
func (r *parityRun) tokens(c parityClient) parityTokens {
	r.t.Helper()
	return r.exchange("exchange", c, r.code(c), parityOK)
}

// works checks token on both dialects' bearer checks (they must agree) against want.
func (r *parityRun) works(label, token string, want bool) {
	r.t.Helper()
	who := parityWhoami(r.t, r.s, token)
	if (who != "") != want || (who != "" && who != parityEmail) {
		r.t.Fatalf("%s: bearer checks answered %q, want working=%v", label, who, want)
	}
	outcome := "refused by both dialects"
	if want {
		outcome = "works on both dialects"
	}
	r.step(label, outcome)
}

// revoke revokes a token the way the seeds do: the token alone in a form.
func (r *parityRun) revoke(label, token string) {
	r.t.Helper()
	resp := Send(r.t, nil, http.MethodPost, r.d.revokeURL(r.s.URL),
		strings.NewReader(url.Values{"token": {token}}.Encode()), "Content-Type", "application/x-www-form-urlencoded")
	r.d.checkRevoked(r.t, resp)
	r.step(label, "revoked")
}

var parityScenarios = []struct {
	name string
	opts []Option
	run  func(r *parityRun)
}{
	{"code flow", nil, func(r *parityRun) {
		tok := r.tokens(r.post)
		r.works("access token", tok.access, true)
		r.works("refresh token used as a bearer token", tok.refresh, false)
		r.works("access token of a client_secret_basic client", r.tokens(r.basic).access, true)
	}},
	{"refresh with rotation", nil, func(r *parityRun) {
		tok := r.tokens(r.post)
		next := r.refresh("refresh", r.post, tok.refresh, parityOK)
		if next.access == tok.access || next.refresh == tok.refresh || next.refresh == "" {
			r.t.Fatalf("a rotating refresh gave %+v after %+v", next, tok)
		}
		r.works("new access token", next.access, true)
		// Rotation replaces the refresh token; live access tokens stay valid until they expire.
		r.works("access token before the refresh", tok.access, true)
		last := r.refresh("refresh with the new refresh token", r.post, next.refresh, parityOK)
		r.works("newest access token", last.access, true)
		r.refresh("replay of a rotated refresh token", r.post, tok.refresh, parityRefreshInvalid)
		r.works("newest access token after the replay", last.access, false)
		r.works("first access token after the replay", tok.access, false)
		r.refresh("newest refresh token after the replay", r.post, last.refresh, parityRefreshInvalid)
	}},
	{"refresh with rotation revoking access", []Option{Env("OAUTHD_OAUTH_REVOKE_ACCESS_ON_REFRESH=true")},
		func(r *parityRun) {
			tok := r.tokens(r.post)
			next := r.refresh("refresh", r.post, tok.refresh, parityOK)
			r.works("new access token", next.access, true)
			r.works("access token before the refresh", tok.access, false)
		}},
	{"refresh without rotation", nil, func(r *parityRun) {
		tok := r.tokens(r.keep)
		next := r.refresh("refresh", r.keep, tok.refresh, parityOK)
		if next.access == tok.access || next.refresh != tok.refresh {
			r.t.Fatalf("a non-rotating refresh gave %+v after %+v", next, tok)
		}
		r.works("new access token", next.access, true)
		r.works("access token before the refresh", tok.access, true)
		again := r.refresh("refresh again with the same refresh token", r.keep, tok.refresh, parityOK)
		r.works("third access token", again.access, true)
	}},
	{"revoke the access token", nil, func(r *parityRun) {
		tok, bystander := r.tokens(r.post), r.tokens(r.post)
		r.revoke("revoke the access token", tok.access)
		r.works("revoked access token", tok.access, false)
		r.refresh("refresh token of the revoked pair", r.post, tok.refresh, parityRefreshInvalid)
		r.works("access token of another grant", bystander.access, true)
		r.revoke("revoke it again", tok.access)
		r.revoke("revoke a token never issued", randomHex(20))
	}},
	{"revoke the refresh token", nil, func(r *parityRun) {
		tok := r.tokens(r.keep)
		r.revoke("revoke the refresh token", tok.refresh)
		r.works("access token of the revoked pair", tok.access, false)
		r.refresh("revoked refresh token", r.keep, tok.refresh, parityRefreshInvalid)
	}},
	{"reused code", nil, func(r *parityRun) {
		code := r.code(r.post)
		tok := r.exchange("exchange", r.post, code, parityOK)
		r.works("access token", tok.access, true)
		r.exchange("the same code again", r.post, code, parityCodeUsed)
		r.works("access token issued from the reused code", tok.access, false)
		r.refresh("refresh token issued from the reused code", r.post, tok.refresh, parityRefreshInvalid)
	}},
	{"wrong client secret", nil, func(r *parityRun) {
		for _, c := range []parityClient{r.post, r.basic} {
			code := r.code(c)
			wrong := c
			wrong.Secret = randomHex(20)
			r.exchange("exchange with a wrong secret", wrong, code, parityBadSecret)
			otherMethod := c
			otherMethod.basic = !c.basic
			r.exchange("exchange with the right secret sent the other way", otherMethod, code, parityBadSecret)
			tok := r.exchange("exchange with the right secret: the code was not burnt", c, code, parityOK)
			r.works("access token", tok.access, true)
			r.refresh("refresh with a wrong secret", wrong, tok.refresh, parityBadSecret)
		}
	}},
	{"unknown client", nil, func(r *parityRun) {
		code := r.code(r.post)
		ghost := parityClient{Client: Client{ID: "no-such-client", Secret: randomHex(20)}}
		r.exchange("exchange as an unknown client", ghost, code, parityUnknownClient)
		ghost.basic = true
		r.exchange("exchange as an unknown client with HTTP Basic", ghost, code, parityUnknownClient)
		r.authorizeFatal("authorize for an unknown client", r.query(r.post, "client_id", "no-such-client"),
			parityUnknownClient)
		r.exchange("exchange by the code's client", r.post, code, parityOK)
	}},
	{"redirect_uri mismatch", nil, func(r *parityRun) {
		for _, uri := range []string{"https://evil.example/cb", parityRedirect + "/", "https://APP.example/cb",
			parityRedirect + "?x=1"} {
			r.authorizeFatal("authorize with redirect_uri "+uri, r.query(r.post, "redirect_uri", uri),
				parityRedirectMismatch)
		}
		code := r.code(r.post)
		r.token("exchange with another redirect_uri", r.post, url.Values{"grant_type": {"authorization_code"},
			"code": {code}, "redirect_uri": {"https://evil.example/cb"}}, parityCodeMismatch)
		r.exchange("the same code with the right redirect_uri: burnt", r.post, code, parityCodeUsed)
	}},
	{"expired code", []Option{Env("OAUTHD_OAUTH_CODE_TTL=1s")}, func(r *parityRun) {
		code := r.code(r.post)
		// Codes expire on whole seconds: once a full second has passed since the code was
		// issued (before we received it), it has expired.
		time.Sleep(1500 * time.Millisecond)
		r.exchange("exchange after the code's lifetime", r.post, code, parityCodeExpired)
		r.exchange("exchange it again", r.post, code, parityCodeUsed)
	}},
	{"made-up code", nil, func(r *parityRun) {
		r.exchange("a well-formed code never issued", r.post, randomHex(20), parityCodeUnknown)
		r.exchange("a malformed code", r.post, "not-a-code", parityCodeUnknown)
	}},
	{"invalid refresh token", nil, func(r *parityRun) {
		tok := r.tokens(r.post)
		r.refresh("a well-formed refresh token never issued", r.post, randomHex(20), parityRefreshInvalid)
		r.refresh("a malformed refresh token", r.post, "x", parityRefreshInvalid)
		r.refresh("an access token as refresh token", r.post, tok.access, parityRefreshInvalid)
		r.refresh("another client's refresh token", r.keep, tok.refresh, parityRefreshInvalid)
		r.works("access token after the failed refreshes", tok.access, true)
		r.refresh("the real refresh token", r.post, tok.refresh, parityOK)
	}},
	{"tokens cross dialects", nil, func(r *parityRun) {
		o := r.at(r.other())
		code := r.code(r.post)
		tok := o.exchange("exchange at the other dialect's token endpoint", r.post, code, parityOK)
		r.works("access token", tok.access, true)
		next := r.refresh("refresh at this dialect", r.post, tok.refresh, parityOK)
		r.works("refreshed access token", next.access, true)
		o.revoke("revoke at the other dialect", next.access)
		r.works("revoked access token", next.access, false)
		r.refresh("refresh token of the pair revoked elsewhere", r.post, next.refresh, parityRefreshInvalid)
	}},
}

func TestParity(t *testing.T) {
	t.Parallel()
	for _, sc := range parityScenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			traces := make([][]string, len(parityDialects))
			for i, d := range parityDialects {
				t.Run(d.name(), func(t *testing.T) {
					r := parityStart(t, d, sc.opts...)
					defer func() { traces[i] = *r.trace }()
					sc.run(r)
				})
			}
			if !slices.Equal(traces[0], traces[1]) {
				t.Errorf("the dialects' outcomes differ:\n%s:\n\t%s\n%s:\n\t%s", parityDialects[0].name(),
					strings.Join(traces[0], "\n\t"), parityDialects[1].name(), strings.Join(traces[1], "\n\t"))
			}
		})
	}
}
