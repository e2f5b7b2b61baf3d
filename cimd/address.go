// Package cimd fetches OAuth client ID metadata documents
// (draft-ietf-oauth-client-id-metadata-document): a client whose client_id is an https URL
// publishes its metadata there, and the authorization server reads it on first use. The URL
// is chosen by whoever sends the authorization request, so the fetch is made safe here:
// https only, the address actually connected to checked (DNS rebinding cannot slip an
// internal address past a check of the name), no redirects, a size cap, a timeout, and a
// bounded cache that fetches each URL at most once per lifetime, concurrent requests
// included. The core decides what a document means.
package cimd

import (
	"net/netip"
	"slices"
	"strings"
)

// internal are the ranges a document may not be fetched from unless its host is allowed:
// everything that is not the public internet (RFC 6890 and its successors), so that a
// client_id cannot make the server read its own network.
var internal = prefixes(
	"0.0.0.0/8",       // "this network"
	"10.0.0.0/8",      // private
	"100.64.0.0/10",   // carrier-grade NAT
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local (cloud metadata services live here)
	"172.16.0.0/12",   // private
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // documentation
	"192.88.99.0/24",  // 6to4 relay anycast
	"192.168.0.0/16",  // private
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // documentation
	"203.0.113.0/24",  // documentation
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, and the broadcast address
	"::/128",          // unspecified
	"::1/128",         // loopback
	"::ffff:0:0/96",   // IPv4-mapped (checked again as IPv4 after unmapping)
	"64:ff9b::/96",    // NAT64 (reaches IPv4 through a translator)
	"64:ff9b:1::/48",  // local-use NAT64
	"100::/64",        // discard-only
	"2001::/23",       // IETF protocol assignments (Teredo included)
	"2001:db8::/32",   // documentation
	"2002::/16",       // 6to4 (embeds an IPv4 address)
	"fc00::/7",        // unique local
	"fe80::/10",       // link-local
	"fec0::/10",       // site-local (deprecated)
	"ff00::/8",        // multicast
)

func prefixes(cidrs ...string) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(cidrs))
	for _, c := range cidrs {
		out = append(out, netip.MustParsePrefix(c))
	}
	return out
}

// public reports whether addr is on the public internet.
func public(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsValid() {
		return false
	}
	return !slices.ContainsFunc(internal, func(p netip.Prefix) bool { return p.Contains(addr) })
}

// hostAllowed reports whether host is on the list whose internal addresses may be fetched
// (cimd.allowed_hosts: a document server on the operator's own network, or a test's).
func hostAllowed(host string, allowed []string) bool {
	host = strings.ToLower(strings.Trim(host, "[]"))
	return slices.ContainsFunc(allowed, func(h string) bool { return strings.ToLower(strings.Trim(h, "[]")) == host })
}
