package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"oauthd/models"
)

func signingKey(id string, at int64) *models.SigningKey {
	return &models.SigningKey{ID: id, Alg: "RS256", PublicJWK: `{"kid":"` + id + `"}`, PrivateSealed: "sealed-" + id, CreatedAt: at}
}

// keyStates lists the keys as "id:retiredAt", in SigningKeys' order.
func keyStates(t *testing.T, s models.Store) []string {
	t.Helper()
	ks, err := s.SigningKeys(t.Context())
	if err != nil {
		t.Fatalf("SigningKeys: %v", err)
	}
	var out []string
	for _, k := range ks {
		out = append(out, fmt.Sprintf("%s:%d", k.ID, k.RetiredAt))
	}
	return out
}

var keyContracts = []contract{
	{"Keys/CreateSigningKeyRetiresTheOthers", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		k1 := signingKey("k1", 100)
		must(t, s.CreateSigningKey(ctx, k1))
		if ks, err := s.SigningKeys(ctx); err != nil || len(ks) != 1 || !same(ks[0], *k1) {
			t.Errorf("SigningKeys = %+v, %v; want %+v", ks, err, *k1)
		}
		must(t, s.CreateSigningKey(ctx, signingKey("k2", 200)))
		must(t, s.CreateSigningKey(ctx, signingKey("k3", 200))) // a rotation within the second
		must(t, s.CreateSigningKey(ctx, signingKey("k0", 300)))
		// Active first, then newest first: k3 and k2 share a second; k3 retired k2.
		if got, want := keyStates(t, s), []string{"k0:0", "k3:300", "k2:200", "k1:200"}; !slices.Equal(got, want) {
			t.Errorf("SigningKeys = %v, want %v (id:retired)", got, want)
		}
	}},
	{"Keys/CreateSigningKeyIsAtomic", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		must(t, s.CreateSigningKey(ctx, signingKey("k1", 100)))
		must(t, s.CreateSigningKey(ctx, signingKey("k2", 200)))
		if err := s.CreateSigningKey(ctx, signingKey("k1", 300)); err == nil {
			t.Fatal("a key with a taken id was created")
		}
		if got, want := keyStates(t, s), []string{"k2:0", "k1:200"}; !slices.Equal(got, want) {
			t.Errorf("after a refused key: %v, want %v: the active key kept", got, want)
		}
	}},
	{"Keys/DeleteSigningKey", func(t *testing.T, s models.Store) {
		ctx := t.Context()
		must(t, s.CreateSigningKey(ctx, signingKey("k1", 100)))
		must(t, s.CreateSigningKey(ctx, signingKey("k2", 200)))
		must(t, s.DeleteSigningKey(ctx, "k1"))
		if got, want := keyStates(t, s), []string{"k2:0"}; !slices.Equal(got, want) {
			t.Errorf("after deleting k1: %v, want %v", got, want)
		}
		if err := s.DeleteSigningKey(ctx, "k1"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleting an absent key: err = %v, want ErrNotFound", err)
		}
	}},
}
