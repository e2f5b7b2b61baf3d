package storetest

import (
	"reflect"
	"slices"
	"testing"

	"oauthd/models"
)

var quirkContracts = []contract{
	{"Quirks/AddClientQuirksSumsAndWidens", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		must(t, s.AddClientQuirks(ctx, nil))
		must(t, s.AddClientQuirks(ctx, []models.ClientQuirk{
			{ClientID: "b", Quirk: "q1", Uses: 3, Refused: 1, FirstSeen: 500, LastSeen: 600},
			{ClientID: "a", Quirk: "q2", Uses: 1, FirstSeen: 100, LastSeen: 100},
		}))
		must(t, s.AddClientQuirks(ctx, []models.ClientQuirk{
			{ClientID: "b", Quirk: "q1", Uses: 2, Refused: 2, FirstSeen: 400, LastSeen: 550},
			{ClientID: "a", Quirk: "q1", Uses: 7, FirstSeen: 200, LastSeen: 300},
		}))
		must(t, s.AddClientQuirks(ctx, []models.ClientQuirk{{ClientID: "b", Quirk: "q1", Uses: 1, FirstSeen: 550, LastSeen: 700}}))
		b := models.ClientQuirk{ClientID: "b", Quirk: "q1", Uses: 6, Refused: 3, FirstSeen: 400, LastSeen: 700}
		a1 := models.ClientQuirk{ClientID: "a", Quirk: "q1", Uses: 7, FirstSeen: 200, LastSeen: 300}
		a2 := models.ClientQuirk{ClientID: "a", Quirk: "q2", Uses: 1, FirstSeen: 100, LastSeen: 100}
		for client, want := range map[string][]models.ClientQuirk{"": {a1, a2, b}, "a": {a1, a2}, "b": {b}, "c": nil} {
			got, err := s.ClientQuirks(ctx, client)
			if err != nil || len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
				t.Errorf("ClientQuirks(%q) =\n%+v, %v\nwant\n%+v", client, got, err, want)
			}
		}
	}},
	{"Quirks/RefusedQuirksMapsRefusingClients", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		for id, refused := range map[string][]string{"strict": {"q1", "q2"}, "one": {"q3"}, "lax": nil} {
			c := clientValue(id, nil)
			c.RefusedQuirks = refused
			must(t, s.CreateClient(ctx, c))
		}
		got, err := s.RefusedQuirks(ctx)
		if err != nil || len(got) != 2 || !slices.Equal(got["strict"], []string{"q1", "q2"}) || !slices.Equal(got["one"], []string{"q3"}) {
			t.Errorf("RefusedQuirks = %v, %v; want strict [q1 q2] and one [q3] only", got, err)
		}
		must(t, s.UpdateClient(ctx, "strict", func(c *models.Client) error { c.RefusedQuirks = nil; return nil }))
		if got, err := s.RefusedQuirks(ctx); err != nil || len(got) != 1 || got["one"] == nil {
			t.Errorf("after clearing strict: %v, %v; want one only", got, err)
		}
	}},
}
