package core

import (
	"strings"
	"testing"
	"time"
)

// New takes no hidden defaults: an option without a meaning at zero is refused, naming it.
func TestNewRefusesOptionsWithoutMeaning(t *testing.T) {
	t.Parallel()
	_, err := New(nil, Options{})
	if err == nil {
		t.Fatal("New accepted zero options")
	}
	for _, name := range []string{"CodeTTL", "SkipAuthorization", "PKCEMinVerifierLength", "BcryptCost",
		"SessionTTL", "MaxSessions", "RevocationAuth", "IntrospectionAuth", "IDTokenAlg", "KeyRetention",
		"LoginLimits"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the error does not name %s: %v", name, err)
		}
	}
	for _, tc := range []struct {
		name string
		edit func(*Options)
	}{
		{"bearer cache without a size", func(o *Options) { o.BearerCacheTTL, o.BearerCacheSize = time.Second, 0 }},
		{"bcrypt cost past bcrypt's", func(o *Options) { o.BcryptCost = 32 }},
		{"no login back-off", func(o *Options) { o.LoginLimits.MaxBackoff = 0 }},
		{"unknown consent policy", func(o *Options) { o.SkipAuthorization = "never" }},
	} {
		opt := testOptions(Options{})
		tc.edit(&opt)
		if _, err := New(nil, opt); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	// Zero values with a meaning: refresh tokens that never expire, no bearer cache, one
	// hashing slot per CPU, counters in this process.
	opt := testOptions(Options{})
	opt.RefreshTTL, opt.BearerCacheTTL, opt.BearerCacheSize, opt.LoginLimits.HashSlots = 0, 0, 0, 0
	e, err := New(nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if e.bearer != nil || cap(e.limits.hashing) < 1 || e.opt.Counters == nil {
		t.Fatalf("zero values read as: cache %v, %d hashing slots, counters %v", e.bearer, cap(e.limits.hashing), e.opt.Counters)
	}
}
