package storetest

import (
	"maps"
	"testing"

	"oauthd/models"
)

// The revocation feed and the import records.
var feedContracts = []contract{
	{"Revocations/AppendListAndPurge", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		var added []models.Revocation
		var last uint64
		for i, at := range []int64{3000, 1000, 2000, 4000} {
			r := &models.Revocation{TokenID: digest("acc", i), GrantID: digest("9", i), UserID: uint(i), ClientID: "app", AtMS: at}
			must(t, s.AddRevocation(ctx, r))
			if r.ID <= last {
				t.Errorf("revocation %d got ID %d after %d: want IDs in order of writing", i, r.ID, last)
			}
			last = r.ID
			added = append(added, *r)
		}
		atMS := func(since int64, limit int) []models.Revocation {
			rs, err := s.RevocationsSince(ctx, since, limit)
			if err != nil {
				t.Fatalf("RevocationsSince: %v", err)
			}
			return rs
		}
		if got, want := atMS(2000, 10), []models.Revocation{added[2], added[0], added[3]}; !same(got, want) {
			t.Errorf("since 2000 = %+v, want %+v (at or after, oldest first)", got, want)
		}
		if got, want := atMS(0, 2), []models.Revocation{added[1], added[2]}; !same(got, want) {
			t.Errorf("since 0, 2 = %+v, want %+v", got, want)
		}
		must(t, s.PurgeRevocations(ctx, 3000))
		if got, want := atMS(0, 10), []models.Revocation{added[0], added[3]}; !same(got, want) {
			t.Errorf("after purging before 3000: %+v, want %+v", got, want)
		}
	}},
	{"Imports/SaveImportRecordUpserts", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		for _, r := range []models.ImportRecord{
			{Source: "frappe", Kind: "user", Key: "a@example.com", Fingerprint: "f1", ImportedAt: 1},
			{Source: "frappe", Kind: "user", Key: "b@example.com", Fingerprint: "f2", ImportedAt: 1},
			{Source: "frappe", Kind: "client", Key: "a@example.com", Fingerprint: "c1", ImportedAt: 1},
			{Source: "odoo", Kind: "user", Key: "a@example.com", Fingerprint: "o1", ImportedAt: 1},
			{Source: "frappe", Kind: "user", Key: "a@example.com", Fingerprint: "f3", ImportedAt: 2},
		} {
			must(t, s.SaveImportRecord(ctx, &r))
		}
		for _, tc := range []struct {
			source, kind string
			want         map[string]string
		}{
			{"frappe", "user", map[string]string{"a@example.com": "f3", "b@example.com": "f2"}},
			{"frappe", "client", map[string]string{"a@example.com": "c1"}},
			{"odoo", "user", map[string]string{"a@example.com": "o1"}},
			{"odoo", "client", map[string]string{}},
		} {
			if got, err := s.ImportRecordsOf(ctx, tc.source, tc.kind); err != nil || !maps.Equal(got, tc.want) {
				t.Errorf("ImportRecordsOf(%s, %s) = %v, %v; want %v", tc.source, tc.kind, got, err, tc.want)
			}
		}
	}},
}
