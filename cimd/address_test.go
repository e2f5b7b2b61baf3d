package cimd

import (
	"net/netip"
	"testing"
)

func TestPublic(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"93.184.215.14":         true,
		"2606:2800:21f:cb07::1": true,
		"8.8.8.8":               true,
		"127.0.0.1":             false,
		"127.8.9.10":            false,
		"10.1.2.3":              false,
		"172.16.0.1":            false,
		"172.31.255.255":        false,
		"192.168.1.1":           false,
		"169.254.169.254":       false,
		"100.64.0.1":            false,
		"0.0.0.0":               false,
		"255.255.255.255":       false,
		"224.0.0.1":             false,
		"198.18.0.1":            false,
		"::1":                   false,
		"::":                    false,
		"::ffff:127.0.0.1":      false,
		"::ffff:10.0.0.1":       false,
		"::ffff:93.184.215.14":  true,
		"fd00::1":               false,
		"fe80::1":               false,
		"ff02::1":               false,
		"64:ff9b::a00:1":        false,
		"2002:7f00:1::1":        false,
		"2001:db8::1":           false,
		"2001:0:4136:e378::1":   false, // Teredo
		"fec0::1":               false,
	} {
		if got := public(netip.MustParseAddr(addr)); got != want {
			t.Errorf("public(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestHostAllowed(t *testing.T) {
	t.Parallel()
	allowed := []string{"127.0.0.1", "Docs.Internal.example", "[::1]"}
	for host, want := range map[string]bool{"127.0.0.1": true, "docs.internal.example": true, "::1": true,
		"[::1]": true, "localhost": false, "127.0.0.2": false, "internal.example": false} {
		if got := hostAllowed(host, allowed); got != want {
			t.Errorf("hostAllowed(%q) = %v, want %v", host, got, want)
		}
	}
}
