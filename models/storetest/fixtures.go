package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"oauthd/models"
)

// digest is a 64-character hex id, as the store holds tokens, codes and sessions.
func digest(prefix string, n int) string {
	return fmt.Sprintf("%s%0*x", prefix, 64-len(prefix), n)
}

func newUser(t *testing.T, s models.Store, email string) *models.User {
	t.Helper()
	u := &models.User{Email: email, FullName: "Ada Lovelace", FirstName: "Ada", LastName: "Lovelace",
		PasswordHash: "$2a$04$hash", Enabled: true, Roles: []string{"admin", "dev"}, Subject: "sub-" + email,
		CreatedAt: 1700000000}
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func clientValue(id string, owner *uint) *models.Client {
	return &models.Client{ID: id, SecretHash: digest("5ec", 1), Name: "App " + id,
		RedirectURIs: []string{"https://app.example/cb", "https://app.example/cb2"}, DefaultRedirectURI: "https://app.example/cb",
		Scopes: []string{"all", "openid"}, AuthMethods: []string{"client_secret_basic"},
		GrantTypes: []string{"authorization_code", "refresh_token"}, SkipAuthorization: true, OwnerID: owner,
		PKCE: "optional", RefreshRotation: true, CreatedAt: 1700000001, Profile: models.DefaultProfile,
		ApplicationType: "web"}
}

func newClient(t *testing.T, s models.Store, id string, owner *uint) *models.Client {
	t.Helper()
	c := clientValue(id, owner)
	if err := s.CreateClient(t.Context(), c); err != nil {
		t.Fatalf("create client %s: %v", id, err)
	}
	return c
}

func newCode(t *testing.T, s models.Store, id, clientID string, userID uint) *models.AuthorizationCode {
	t.Helper()
	c := &models.AuthorizationCode{ID: id, GrantID: digest("9", 1), ClientID: clientID, UserID: userID,
		Scope: "all", RedirectURI: "https://app.example/cb", IssuedAt: 1000, ExpiresAt: 1600}
	if err := s.CreateCode(t.Context(), c); err != nil {
		t.Fatalf("create code: %v", err)
	}
	return c
}

func tok(id, kind, grant, client string, user uint, scope string, expires int64) *models.Token {
	return &models.Token{ID: id, Kind: kind, GrantID: grant, ClientID: client, UserID: user, Scope: scope,
		IssuedAt: 1000, ExpiresAt: expires}
}

func newTokens(t *testing.T, s models.Store, ts ...*models.Token) {
	t.Helper()
	if err := s.CreateTokens(t.Context(), ts...); err != nil {
		t.Fatalf("create tokens: %v", err)
	}
}

// tokenRow reads one token as stored; the test fails if it is absent.
func tokenRow(t *testing.T, s models.Store, id string) models.Token {
	t.Helper()
	rows, err := s.TokenRows(t.Context(), []string{id})
	if err != nil {
		t.Fatalf("read token %s: %v", id[:8], err)
	}
	row, ok := rows[id]
	if !ok {
		t.Fatalf("token %s… is missing", id[:8])
	}
	return row
}

// tokenExists reports whether a token is stored.
func tokenExists(t *testing.T, s models.Store, id string) bool {
	t.Helper()
	rows, err := s.TokenRows(t.Context(), []string{id})
	if err != nil {
		t.Fatalf("read token %s: %v", id[:8], err)
	}
	_, ok := rows[id]
	return ok
}

// codeExists reports whether a code is stored.
func codeExists(t *testing.T, s models.Store, id string) bool {
	t.Helper()
	_, err := s.CodeByID(t.Context(), id)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("read code %s: %v", id[:8], err)
	}
	return err == nil
}

// consentOf is a user's consent scope for a client, or "-" when there is none.
func consentOf(t *testing.T, s models.Store, userID uint, clientID string) string {
	t.Helper()
	scope, err := s.ConsentScope(t.Context(), userID, clientID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return "-"
	case err != nil:
		t.Fatalf("consent of %d for %s: %v", userID, clientID, err)
	}
	return scope
}

func saveConsent(t *testing.T, s models.Store, userID uint, clientID, scope string) {
	t.Helper()
	if err := s.SaveConsent(t.Context(), &models.Consent{UserID: userID, ClientID: clientID, Scope: scope, GrantedAt: 1}); err != nil {
		t.Fatalf("save consent: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fill sets every exported field of the struct v points to a distinct value (strings, numbers,
// flags, lists), so that a field an implementation forgets to write or read comes back
// different. A field of a kind it does not know fails the test: teach it, not skip it.
func fill(t *testing.T, v any) {
	t.Helper()
	s := reflect.ValueOf(v).Elem()
	for i := range s.NumField() {
		f, name := s.Field(i), s.Type().Field(i).Name
		switch f.Kind() {
		case reflect.String:
			f.SetString(fmt.Sprintf("v%d", i))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int64, reflect.Uint, reflect.Uint64:
			if f.CanInt() {
				f.SetInt(int64(1000 + i))
			} else {
				f.SetUint(uint64(1000 + i))
			}
		case reflect.Slice:
			switch f.Type().Elem().Kind() {
			case reflect.String:
				f.Set(reflect.ValueOf([]string{fmt.Sprintf("v%d-a", i), fmt.Sprintf("v%d-b", i)}))
			case reflect.Uint8:
				f.SetBytes([]byte{0, byte(i), 0xff})
			default:
				t.Fatalf("%s.%s is a %s: teach fill to set it", s.Type().Name(), name, f.Type())
			}
		case reflect.Pointer:
			// set by the caller (Client.OwnerID)
		default:
			t.Fatalf("%s.%s is a %s: teach fill to set it", s.Type().Name(), name, f.Type())
		}
	}
}

// same compares two values of one type, taking an empty list for an absent one: the contracts
// do not say which an empty list reads back as.
func same(a, b any) bool {
	return reflect.DeepEqual(canonical(reflect.ValueOf(a)), canonical(reflect.ValueOf(b)))
}

func canonical(v reflect.Value) any {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return v.Interface()
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	for i := range c.NumField() {
		f := c.Field(i)
		switch {
		case f.Kind() == reflect.Slice && f.Len() == 0:
			f.Set(reflect.Zero(f.Type()))
		case f.Kind() == reflect.Struct:
			f.Set(reflect.ValueOf(canonical(f)))
		}
	}
	return c.Interface()
}

// concurrently runs fn(i) for i in [0, n) at once and returns how many reported true, and
// every error.
func concurrently(n int, fn func(ctx context.Context, i int) (bool, error)) (wins int, errs []error) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		start = make(chan struct{})
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, err := fn(context.Background(), i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				wins++
			}
		}()
	}
	close(start)
	wg.Wait()
	return wins, errs
}
