package storetest

import (
	"slices"
	"testing"

	"oauthd/models"
)

var userAdminContracts = []contract{
	{"Users/ListUsersPagesInIDOrderWithTotal", func(t *testing.T, s models.Store) {
		var ids []uint
		for _, email := range []string{"c@example.com", "a@example.com", "b@example.com", "d@example.com"} {
			ids = append(ids, newUser(t, s, email).ID)
		}
		if !slices.IsSorted(ids) {
			t.Fatalf("IDs %v are not in order of creation", ids)
		}
		for _, tc := range []struct {
			offset, limit int
			want          []uint
		}{{0, 10, ids}, {0, 2, ids[:2]}, {2, 2, ids[2:]}, {3, 10, ids[3:]}, {4, 10, nil}} {
			got, total, err := s.ListUsers(t.Context(), models.UserFilter{Offset: tc.offset, Limit: tc.limit})
			if err != nil || total != 4 || !slices.Equal(userIDs(got), tc.want) {
				t.Errorf("offset %d limit %d: %v, total %d, %v; want %v of 4", tc.offset, tc.limit, userIDs(got), total, err, tc.want)
			}
		}
	}},
	{"Users/ListUsersSearchesEmailAndNameLiterally", func(t *testing.T, s models.Store) {
		named := func(email, name string) uint {
			u := &models.User{Email: email, FullName: name, PasswordHash: "x", Enabled: true, Subject: "sub-" + email}
			must(t, s.CreateUser(t.Context(), u))
			return u.ID
		}
		ada := named("ada@example.com", "Ada Lovelace")
		bob := named("bob_x@example.com", "Bob")
		carol := named("carol@example.com", "100% Carol")
		dan := named("dan@example.com", "Dan Lovelace")
		for search, want := range map[string][]uint{
			"ADA":      {ada},
			"lovelace": {ada, dan},
			"_":        {bob},
			"%":        {carol},
			"0% c":     {carol},
			"example":  {ada, bob, carol, dan},
			"zzz":      nil,
		} {
			got, total, err := s.ListUsers(t.Context(), models.UserFilter{Search: search, Limit: 10})
			if err != nil || total != int64(len(want)) || !slices.Equal(userIDs(got), want) {
				t.Errorf("search %q: %v, total %d, %v; want %v", search, userIDs(got), total, err, want)
			}
		}
		got, total, err := s.ListUsers(t.Context(), models.UserFilter{Search: "lovelace", Offset: 1, Limit: 1})
		if err != nil || total != 2 || !slices.Equal(userIDs(got), []uint{dan}) {
			t.Errorf("search page 2: %v, total %d, %v; want [%d] of 2", userIDs(got), total, err, dan)
		}
	}},
}

func userIDs(us []models.User) []uint {
	var ids []uint
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	return ids
}
