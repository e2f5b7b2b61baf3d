// Package checker runs the seed documents' flows, headless, against any server that speaks
// the Frappe or the Odoo dialect (oauthd, a real Frappe site, a real Odoo with the REST API
// module) and says, step by step, whether each worked and whether its answers have the shape
// the documents give. It is an HTTP client only: it knows nothing of oauthd's internals, so
// it judges every server alike.
package checker

import (
	"context"
	"time"
)

// Status is a step's outcome.
type Status string

// Outcomes.
const (
	// Pass: it worked, and the answer has the documented shape.
	Pass Status = "PASS"
	// Diff: it worked, but the answer's shape (status, field names, types, content type,
	// documented messages) differs from the document.
	Diff Status = "DIFF"
	// Fail: it did not work.
	Fail Status = "FAIL"
	// Skip: not run, because an earlier step it needs failed or the server never asked
	// (no consent page); Result.Note says which.
	Skip Status = "SKIP"
)

// Dialects.
const (
	Frappe = "frappe"
	Odoo   = "odoo"
)

// Options say where to check and as whom.
type Options struct {
	BaseURL      string // the server, e.g. https://erp.example.com
	User         string // a user that can log in (Frappe: usr; Odoo: login)
	Password     string
	ClientID     string
	ClientSecret string // "" for a public client: then none is sent
	RedirectURI  string // registered on the client; nothing is ever fetched there
	Scope        string // Frappe's authorize scope; "" sends none
	OdooDB       string // the database /web/session/authenticate names ("" sends none)
	Dialects     []string
	Timeout      time.Duration // per request; 0: DefaultTimeout
}

// Result is one step of one dialect on one server.
type Result struct {
	Dialect string `json:"dialect"`
	Step    string `json:"step"`  // a stable id, e.g. "token_code"
	Title   string `json:"title"` // what the table shows
	Status  Status `json:"status"`
	// Request is what was sent (secrets masked); Answer the status, content type and body
	// start of what came back. Both are set for FAIL and DIFF.
	Request string `json:"request,omitempty"`
	Answer  string `json:"answer,omitempty"`
	// Differences are the parts of the answer that differ from Expected (DIFF), or why it
	// failed (FAIL).
	Differences []string `json:"differences,omitempty"`
	Expected    string   `json:"expected,omitempty"` // the documented answer and its source
	Note        string   `json:"note,omitempty"`
}

// Report is every result of one server, in the order of Steps.
type Report struct {
	Server  string   `json:"server"`
	Results []Result `json:"results"`
}

// DefaultTimeout bounds each request when Options.Timeout is zero; it is also `check --timeout`'s
// default.
const DefaultTimeout = 15 * time.Second

// Run checks one server and reports every step of every dialect asked for.
func Run(ctx context.Context, opt Options) *Report {
	if opt.Timeout == 0 {
		opt.Timeout = DefaultTimeout
	}
	rep := &Report{Server: opt.BaseURL}
	for _, d := range opt.Dialects {
		var results []Result
		switch d {
		case Frappe:
			results = frappeFlow(ctx, opt)
		case Odoo:
			results = odooFlow(ctx, opt)
		}
		rep.Results = append(rep.Results, ordered(d, results)...)
	}
	return rep
}

// Count is how many results have status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, res := range r.Results {
		if res.Status == s {
			n++
		}
	}
	return n
}

// ordered sorts a dialect's results into the table's row order.
func ordered(dialect string, results []Result) []Result {
	out := make([]Result, 0, len(results))
	for _, s := range Steps {
		for _, r := range results {
			if r.Step == s.ID && r.Dialect == dialect {
				out = append(out, r)
			}
		}
	}
	return out
}
