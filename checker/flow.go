package checker

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

func newResult(dialect, step string) Result {
	return Result{Dialect: dialect, Step: step, Title: title(step)}
}

// judged is a step that worked: PASS, or DIFF when the answer's shape is not the documented one.
func judged(r Result, x exchange, sh shape) Result {
	if d := sh.compare(x.ans); len(d) > 0 {
		r.Status, r.Differences, r.Expected = Diff, d, sh.describe()
		r.Request, r.Answer = x.req, x.ans.describe()
		return r
	}
	r.Status = Pass
	return r
}

// failed is a step that did not work, with why and, when known, what the document expects.
func failed(r Result, x exchange, sh *shape, why string) Result {
	r.Status, r.Differences = Fail, []string{why}
	r.Request, r.Answer = x.req, x.ans.describe()
	if sh != nil {
		r.Expected = sh.describe()
	}
	return r
}

func skipped(r Result, note string) Result {
	r.Status, r.Note = Skip, note
	return r
}

// worked checks that a request got a 2xx JSON answer holding the string fields need; the
// reason when not.
func worked(x exchange, need ...string) string {
	a := x.ans
	switch {
	case a.err != nil:
		return "no answer"
	case a.status < 200 || a.status > 299:
		return fmt.Sprintf("refused with status %d", a.status)
	}
	for _, f := range need {
		if a.str(f) == "" {
			return fmt.Sprintf("no %s in the answer", f)
		}
	}
	return ""
}

// refusal judges an error step: the server must refuse (any 4xx or 5xx), then its answer is
// compared with the documented error.
func refusal(r Result, x exchange, sh shape) Result {
	switch a := x.ans; {
	case a.err != nil:
		return failed(r, x, &sh, "no answer")
	case a.status < 400:
		return failed(r, x, &sh, fmt.Sprintf("not refused: status %d", a.status))
	}
	return judged(r, x, sh)
}

// flight is a browser authorization in progress: the answer that ended it, the redirect to the
// client's redirect_uri it reached, or the consent page it stopped at.
type flight struct {
	last     exchange
	redirect *url.URL // to the redirect_uri: the end of the flow
	consent  *consentPage
	problem  string // why it ended elsewhere
}

// follow walks a browser's way from an answer: through the server's own redirects (Frappe's
// approve URL, say) to the redirect to redirect_uri, or to a consent page.
func (s *session) follow(x exchange) flight {
	for hops := 0; ; hops++ {
		a := x.ans
		if a.err != nil {
			return flight{last: x, problem: "no answer"}
		}
		if a.status >= 300 && a.status < 400 && a.location != "" {
			loc, err := s.base.Parse(a.location)
			switch {
			case err != nil:
				return flight{last: x, problem: "an unreadable Location"}
			case s.isRedirectURI(loc):
				return flight{last: x, redirect: loc}
			case loc.Host != s.base.Host:
				return flight{last: x, problem: "redirected to another site instead of redirect_uri"}
			case strings.Contains(strings.ToLower(loc.Path), "login"):
				return flight{last: x, problem: "sent to the login page: the session was not accepted"}
			case hops == 5:
				return flight{last: x, problem: "more than 5 redirects"}
			}
			x = s.do(request{Method: http.MethodGet, Path: loc.String(), Header: acceptHTML, Browser: true})
			continue
		}
		if mt, _, _ := mime.ParseMediaType(a.contentType); a.status == http.StatusOK && mt == "text/html" {
			page, err := parseConsent(a.body, s.pageURL(x))
			if err != nil {
				return flight{last: x, problem: err.Error()}
			}
			return flight{last: x, consent: page}
		}
		return flight{last: x, problem: fmt.Sprintf("status %d, neither a redirect nor a consent page", a.status)}
	}
}

// decide clicks Allow or Deny: a navigation straight to redirect_uri (Frappe's Deny) needs no
// request; anything else is sent and followed.
func (s *session) decide(d *decision) flight {
	if s.isRedirectURI(d.target) {
		return flight{last: exchange{req: "navigate to " + maskURL(d.target.String()), ans: &answer{}},
			redirect: d.target}
	}
	r := request{Method: d.method, Path: d.target.String(), Header: acceptHTML, Browser: true}
	if d.method == http.MethodPost {
		r.Form = d.form
	}
	if d.csrf != "" {
		r.Header = append(r.Header, "X-Frappe-CSRF-Token", d.csrf)
	}
	return s.follow(s.do(r))
}

// pageURL is the URL a page was served at, against which its links resolve.
func (s *session) pageURL(x exchange) *url.URL {
	u, err := url.Parse(x.target)
	if err != nil {
		return s.base
	}
	return u
}

// isRedirectURI reports whether u goes to the client's redirect_uri (any query).
func (s *session) isRedirectURI(u *url.URL) bool {
	want, err := url.Parse(s.opt.RedirectURI)
	return err == nil && u.Scheme == want.Scheme && strings.EqualFold(u.Host, want.Host) &&
		strings.TrimRight(u.Path, "/") == strings.TrimRight(want.Path, "/")
}

// authorized judges the redirect an authorization ended in: the code and the state sent.
func authorized(r Result, f flight, state string) (Result, string) {
	if f.redirect == nil {
		return failed(r, f.last, nil, f.problem), ""
	}
	q := f.redirect.Query()
	if e := q.Get("error"); e != "" {
		return failed(r, f.last, nil, "redirected with error="+e), ""
	}
	code := q.Get("code")
	if code == "" {
		return failed(r, f.last, nil, "redirected without a code"), ""
	}
	if q.Get("state") != state {
		r.Status, r.Request, r.Answer = Diff, f.last.req, f.last.ans.describe()
		r.Differences = []string{fmt.Sprintf("state %q, not the %q sent (RFC 6749 §4.1.2)", q.Get("state"), state)}
		return r, code
	}
	r.Status = Pass
	return r, code
}
