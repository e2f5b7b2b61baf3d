package cli

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"testing"

	"oauthd/core"
)

// The key begun early serves the first signing key only: a later rotation gets a new one.
func TestEarlyKeyServesTheFirstKeyOnly(t *testing.T) {
	newKey := earlyKey(core.AlgES256)
	first, err := newKey(core.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	second, err := newKey(core.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	if first.(*ecdsa.PrivateKey).Equal(second) {
		t.Fatal("a rotation reused the early key")
	}
	if k, err := earlyKey(core.AlgES256)(core.AlgRS256); err != nil || k.(*rsa.PrivateKey).N.BitLen() != 2048 {
		t.Fatalf("another algorithm than the one begun: %T %v", k, err)
	}
}

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:0": true, "localhost:8000": true, "[::1]:9": true,
		"127.8.9.10:1": true, "0.0.0.0:0": false, ":8000": false, "[::]:0": false, "example.com:80": false,
		"192.168.1.2:80": false, "127.0.0.1": false} {
		if got := loopback(addr); got != want {
			t.Errorf("loopback(%q) = %v", addr, got)
		}
	}
}
