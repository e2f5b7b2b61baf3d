package core

import (
	"slices"
	"testing"
)

// Every list of grant types is read off the one table: what metadata advertises, what a client
// may register for itself, what a profile adds, and what the token endpoint runs.
func TestGrantListsComeFromTheTable(t *testing.T) {
	t.Parallel()
	if got := GrantTypes(); !slices.Equal(got, []string{GrantAuthorizationCode, GrantRefreshToken, GrantClientCredentials}) {
		t.Errorf("GrantTypes() = %v", got)
	}
	if got := ResponseTypes(); !slices.Equal(got, []string{"code"}) {
		t.Errorf("ResponseTypes() = %v", got)
	}
	if got := registrableGrants(); !slices.Equal(got, []string{GrantAuthorizationCode, GrantRefreshToken}) {
		t.Errorf("registrableGrants() = %v", got)
	}
	for _, tc := range []struct {
		grant, profile string
		ok             bool
	}{
		{GrantClientCredentials, ProfileStandard, true},
		{GrantPassword, ProfileStandard, false},
		{GrantPassword, ProfileFrappeV15, true},
		{GrantImplicit, ProfileFrappe, false},
		{GrantImplicit, ProfileFrappeV15, true},
		{"device_code", ProfileFrappeV15, false},
	} {
		if err := validGrantTypes([]string{tc.grant}, tc.profile); (err == nil) != tc.ok {
			t.Errorf("%s for %s: %v", tc.grant, tc.profile, err)
		}
	}
	req := TokenRequest{GrantType: GrantImplicit}
	if _, err := checkTokenRequest(&req); err == nil || err.Code != ErrUnsupportedGrantType {
		t.Errorf("implicit at the token endpoint: %v, want unsupported_grant_type", err)
	}
}
