package ephemeral

import (
	"strings"
	"testing"
	"time"
)

// testTargets are the dialects' endpoints as the routes list them.
var testTargets = Targets{"frappe": endpoints, "odoo": {EndpointToken, EndpointAuthorize, EndpointRevoke, EndpointBearer}}

func TestClockOnlyMovesForward(t *testing.T) {
	c := New(testTargets).Clock
	before := time.Now()
	if got := c.Now(); got.Before(before) || got.Sub(before) > time.Minute {
		t.Fatalf("an unmoved clock reads %v, the time is %v", got, before)
	}
	if got := c.Advance(time.Hour); got.Sub(before) < time.Hour || c.Offset() != time.Hour {
		t.Fatalf("after Advance(1h): %v (offset %v)", got, c.Offset())
	}
	c.Advance(30 * time.Minute)
	if c.Offset() != 90*time.Minute {
		t.Fatalf("offsets add up: %v", c.Offset())
	}
}

// A fault serves its count of matching requests, oldest first, then leaves the queue.
func TestFaultsTakeInOrderAndCount(t *testing.T) {
	q := New(testTargets).Faults
	if _, ok := q.Take(EndpointToken, "frappe"); ok {
		t.Fatal("an empty queue matched")
	}
	odoo, err := q.Add(Fault{Endpoint: EndpointToken, Dialect: "odoo", Kind: KindDrop, Remaining: 1})
	if err != nil {
		t.Fatal(err)
	}
	both, _ := q.Add(Fault{Endpoint: EndpointToken, Kind: KindUnavailable, Remaining: 2})
	if both.RetryAfter != time.Second || both.ID == odoo.ID {
		t.Fatalf("defaults: %+v", both)
	}
	var got []string
	for _, d := range []string{"frappe", "odoo", "odoo", "odoo", "frappe"} {
		f, ok := q.Take(EndpointToken, d)
		got = append(got, map[bool]string{true: f.Kind, false: "-"}[ok])
	}
	if strings.Join(got, " ") != "unavailable drop unavailable - -" {
		t.Fatalf("taken: %v", got)
	}
	if _, ok := q.Take(EndpointBearer, "odoo"); ok || len(q.List()) != 0 {
		t.Fatalf("queue left: %+v", q.List())
	}
	q.Add(Fault{Endpoint: EndpointRevoke, Kind: KindDelay, Delay: time.Millisecond, Remaining: 5})
	q.Clear()
	if _, ok := q.Take(EndpointRevoke, "frappe"); ok {
		t.Fatal("a cleared fault matched")
	}
}

func TestFaultCheckNamesTheField(t *testing.T) {
	for want, f := range map[string]Fault{
		"endpoint:":    {Endpoint: "userinfo", Kind: KindDrop, Remaining: 1},
		"dialect:":     {Endpoint: EndpointToken, Dialect: "django", Kind: KindDrop, Remaining: 1},
		"kind: want":   {Endpoint: EndpointToken, Kind: "teapot", Remaining: 1},
		"kind: inval":  {Endpoint: EndpointBearer, Kind: KindInvalidGrant, Remaining: 1},
		"count:":       {Endpoint: EndpointToken, Kind: KindDrop},
		"delay: want":  {Endpoint: EndpointToken, Kind: KindDelay, Remaining: 1, Delay: 2 * time.Minute},
		"delay: only":  {Endpoint: EndpointToken, Kind: KindDrop, Remaining: 1, Delay: time.Second},
		"retry_after:": {Endpoint: EndpointToken, Kind: KindDrop, Remaining: 1, RetryAfter: time.Second},
		"endpoint: th": {Endpoint: EndpointIntrospect, Dialect: "odoo", Kind: KindDrop, Remaining: 1},
	} {
		if err := f.check(testTargets); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%+v: %v, want %q...", f, err, want)
		}
	}
}
