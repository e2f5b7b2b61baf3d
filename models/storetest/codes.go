package storetest

import (
	"errors"
	"testing"

	"oauthd/models"
)

var codeContracts = []contract{
	{"Codes/CreateCodeRoundTripsAndConflicts", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		var c models.AuthorizationCode
		fill(t, &c)
		c.ID, c.UsedAt = digest("c0de", 1), 0
		must(t, s.CreateCode(ctx, &c))
		if got, err := s.CodeByID(ctx, c.ID); err != nil || !same(got, &c) {
			t.Errorf("CodeByID =\n%+v, %v\nwant\n%+v", got, err, c)
		}
		dup := c
		dup.Scope = "other"
		if err := s.CreateCode(ctx, &dup); !errors.Is(err, models.ErrConflict) {
			t.Errorf("taken digest: err = %v, want ErrConflict", err)
		}
		if got, err := s.CodeByID(ctx, c.ID); err != nil || got.Scope != c.Scope {
			t.Errorf("a conflicting insert changed the code: %+v, %v", got, err)
		}
		if _, err := s.CodeByID(ctx, digest("c0de", 99)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown code: err = %v, want ErrNotFound", err)
		}
	}},
	{"Codes/ConsumeCodeIsSingleUse", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		newClient(t, s, "app", nil)
		code := newCode(t, s, digest("c0de", 1), "app", u.ID)
		other := newCode(t, s, digest("c0de", 2), "app", u.ID)
		for i, want := range []bool{true, false, false} {
			if got, err := s.ConsumeCode(ctx, code.ID, 1100+int64(i)); err != nil || got != want {
				t.Errorf("ConsumeCode #%d = %v, %v; want %v", i+1, got, err, want)
			}
		}
		if row, err := s.CodeByID(ctx, code.ID); err != nil || row.UsedAt != 1100 {
			t.Errorf("after use: UsedAt = %d, %v; want 1100 (the first use)", row.UsedAt, err)
		}
		if row, err := s.CodeByID(ctx, other.ID); err != nil || row.UsedAt != 0 {
			t.Errorf("another code: UsedAt = %d, %v; want 0", row.UsedAt, err)
		}
		if got, err := s.ConsumeCode(ctx, digest("c0de", 99), 1100); err != nil || got {
			t.Errorf("ConsumeCode of an unknown code = %v, %v; want false, nil", got, err)
		}
	}},
	{"Codes/CodeWithUser", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		u := newUser(t, s, "ada@example.com")
		newClient(t, s, "app", nil)
		var code models.AuthorizationCode
		fill(t, &code)
		code.ID, code.UserID, code.UsedAt = digest("c0de", 1), u.ID, 0
		must(t, s.CreateCode(ctx, &code))
		gotCode, gotUser, err := s.CodeWithUser(ctx, code.ID)
		if err != nil || !same(gotCode, &code) || !same(gotUser, u) {
			t.Errorf("CodeWithUser = %+v, %+v, %v; want %+v, %+v", gotCode, gotUser, err, code, u)
		}
		orphan := newCode(t, s, digest("c0de", 2), "app", u.ID+1000)
		if gotCode, gotUser, err = s.CodeWithUser(ctx, orphan.ID); err != nil || gotUser != nil || !same(gotCode, orphan) {
			t.Errorf("code of an absent user = %+v, %+v, %v; want the code and a nil user", gotCode, gotUser, err)
		}
		if _, _, err := s.CodeWithUser(ctx, digest("c0de", 99)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown code: err = %v, want ErrNotFound", err)
		}
	}},
}
