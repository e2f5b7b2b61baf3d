package core

import (
	"net/mail"
	"net/url"
	"strings"
)

// Limits on the descriptive metadata a client registers (RFC 7591 §2): enough for any real
// page or team, small enough that open registration cannot store much.
const (
	maxMetadataURI = 2048
	maxContacts    = 10
	maxContactLen  = 254 // RFC 5321's longest path
)

// ClientInfo is what a client says about itself (RFC 7591 §2): pages a person may open and
// whom to contact. The server only stores and reports it; the consent page shows none of it.
type ClientInfo struct {
	ClientURI string
	LogoURI   string
	TOSURI    string
	PolicyURI string
	Contacts  []string // e-mail addresses
}

// checkClientInfo refuses a page URI that is not https (http only on a loopback host, as for
// redirect URIs) or hides a user name before its host, and a contact that is not a bare e-mail
// address; it names the offending field.
func checkClientInfo(info ClientInfo) *Error {
	for _, f := range []struct{ name, uri string }{{"client_uri", info.ClientURI}, {"logo_uri", info.LogoURI},
		{"tos_uri", info.TOSURI}, {"policy_uri", info.PolicyURI}} {
		if f.uri != "" && !validPageURI(f.uri) {
			return metadataError("%s must be an https URL (http only on a loopback host).", f.name)
		}
	}
	if len(info.Contacts) > maxContacts {
		return metadataError("contacts: at most %d addresses.", maxContacts)
	}
	for _, c := range info.Contacts {
		if a, err := mail.ParseAddress(c); err != nil || a.Name != "" || a.Address != c || len(c) > maxContactLen {
			return metadataError("contacts: %q is not an e-mail address.", c)
		}
	}
	return nil
}

// validPageURI is the rule for a client's page and logo URIs: absolute https, or http on a
// loopback host; no user info (https://bank.example@evil.example reads as the bank's).
func validPageURI(s string) bool {
	u, err := url.Parse(s)
	if err != nil || len(s) > maxMetadataURI || u.Host == "" || u.User != nil || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	return u.Scheme == "https" || (u.Scheme == "http" && loopback(strings.ToLower(u.Hostname())))
}
