package core

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"oauthd/models"
)

// RFC 7591 §3.2.2 error codes.
const (
	ErrInvalidRedirectURI    = "invalid_redirect_uri"
	ErrInvalidClientMetadata = "invalid_client_metadata"
)

// RegisteredScopes are the scopes a self-registered client may ask for.
var RegisteredScopes = []string{"all", "openid", "profile", "email"}

// defaultClientScopes are a client's scopes when it is given none: Frappe's "all openid".
var defaultClientScopes = []string{"all", "openid"}

// ClientMetadata is an RFC 7591 registration request (and, filled in, its answer).
type ClientMetadata struct {
	RedirectURIs            []string `json:"redirect_uris"`
	ClientName              string   `json:"client_name,omitempty"`
	GrantTypes              []string `json:"grant_types,omitempty"`
	ResponseTypes           []string `json:"response_types,omitempty"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method,omitempty"`
	Scope                   string   `json:"scope,omitempty"`
	ClientURI               string   `json:"client_uri,omitempty"`
	LogoURI                 string   `json:"logo_uri,omitempty"`
	TOSURI                  string   `json:"tos_uri,omitempty"`
	PolicyURI               string   `json:"policy_uri,omitempty"`
	Contacts                []string `json:"contacts,omitempty"`
	PostLogoutRedirectURIs  []string `json:"post_logout_redirect_uris,omitempty"`
	ApplicationType         string   `json:"application_type,omitempty"` // web (the default) or native
}

// RegistrationPolicy limits open registration.
type RegistrationPolicy struct {
	// AllowedRedirectHosts are the hosts redirect URIs may point at, any port; loopback
	// hosts may use http, any other only https.
	AllowedRedirectHosts []string
	// MaxClients caps the live self-registered clients (0: no cap): those a user authorized,
	// and those registered less than UnusedClientTTL ago.
	MaxClients int
	// UnusedClientTTL is how long a self-registered client may wait for a user to authorize it
	// before it is reclaimed (0: never), so that registrations nobody uses cannot hold the cap.
	UnusedClientTTL time.Duration
	// RateLimit registrations are admitted per client address per RateWindow.
	RateLimit  int
	RateWindow time.Duration
}

// Registration is a registered client: its id, secret ("" for a public client) and metadata.
type Registration struct {
	Client   *models.Client
	Secret   string
	Metadata ClientMetadata
}

func metadataError(format string, args ...any) *Error {
	return fail(ErrInvalidClientMetadata, ReasonBadParameter, fmt.Sprintf(format, args...))
}

// registrationKey is the counter of registrations from a client address.
func registrationKey(addr string) string { return "register:addr:" + addressBucket(addr) }

// AdmitRegistration counts a registration attempt against its client address (as the login
// limits count it, in the same Counters) and refuses it, rate-limited, past policy.RateLimit per
// RateWindow. Every attempt counts, a refused one too: open registration writes rows for
// anyone, and checking what is sent costs as much as accepting it.
func (e *Engine) AdmitRegistration(ctx context.Context, address string, policy RegistrationPolicy) error {
	if policy.RateLimit <= 0 || address == "" {
		return nil
	}
	n, err := e.opt.Counters.Incr(ctx, registrationKey(address), policy.RateWindow)
	if err != nil {
		return unavailable(err)
	}
	if n > int64(policy.RateLimit) {
		refusal := rateLimited(policy.RateWindow)
		refusal.Description = "Too many registrations from this address, try again later."
		return refusal
	}
	return nil
}

// Register creates a client from RFC 7591 metadata. Registered clients never get
// client_credentials, an owner or skip_authorization; public ones (auth method none) must
// use PKCE; refresh tokens rotate. The clients nobody authorized within UnusedClientTTL are
// reclaimed first, so the cap counts the live ones.
func (e *Engine) Register(ctx context.Context, md ClientMetadata, policy RegistrationPolicy) (*Registration, error) {
	if err := normaliseMetadata(&md); err != nil {
		return nil, err
	}
	if err := checkRegisteredRedirects(md, policy.AllowedRedirectHosts); err != nil {
		return nil, err
	}
	if policy.UnusedClientTTL > 0 {
		if _, err := e.store.DeleteUnusedSelfRegistered(ctx, e.now().Add(-policy.UnusedClientTTL).Unix()); err != nil {
			return nil, unavailable(err)
		}
	}
	if policy.MaxClients > 0 {
		n, err := e.store.CountSelfRegistered(ctx)
		if err != nil {
			return nil, unavailable(err)
		}
		if n >= int64(policy.MaxClients) {
			return nil, fail(ErrAccessDenied, ReasonAccessDenied, "The limit of registered clients is reached.")
		}
	}
	c, secret, err := e.CreateClient(ctx, NewClient{Name: md.ClientName, RedirectURIs: md.RedirectURIs,
		Scopes: ParseScope(md.Scope), AuthMethods: []string{md.TokenEndpointAuthMethod}, GrantTypes: md.GrantTypes,
		PostLogoutRedirectURIs: md.PostLogoutRedirectURIs, SelfRegistered: true,
		ApplicationType: md.ApplicationType, Info: md.info()})
	if errors.Is(err, ErrInvalidInput) {
		return nil, metadataError("%s", Message(err))
	}
	if err != nil {
		return nil, stored(err)
	}
	return &Registration{Client: c, Secret: secret, Metadata: md}, nil
}

// normaliseMetadata applies RFC 7591's defaults and refuses what a registered client may not have.
func normaliseMetadata(md *ClientMetadata) *Error {
	if strings.ContainsFunc(md.ClientName, hiddenRune) {
		return metadataError("client_name must not hold control or bidirectional formatting characters.")
	}
	md.ClientName = strings.TrimSpace(md.ClientName)
	if md.ClientName == "" {
		md.ClientName = "Unnamed client"
	}
	if len(md.ClientName) > 200 {
		return metadataError("client_name is too long.")
	}
	if len(md.GrantTypes) == 0 {
		md.GrantTypes = []string{GrantAuthorizationCode}
	}
	if len(md.ResponseTypes) == 0 {
		md.ResponseTypes = []string{"code"}
	}
	if md.TokenEndpointAuthMethod == "" {
		md.TokenEndpointAuthMethod = AuthBasic
	}
	if md.Scope == "" {
		md.Scope = JoinScope(defaultClientScopes)
	}
	registrable := registrableGrants()
	for _, g := range md.GrantTypes {
		if !slices.Contains(registrable, g) {
			return metadataError("grant_types: %q cannot be registered (%s only).", g, strings.Join(registrable, " and "))
		}
	}
	if !slices.Contains(md.GrantTypes, GrantAuthorizationCode) {
		return metadataError("grant_types must include authorization_code.")
	}
	for _, r := range md.ResponseTypes {
		if supported := responseTypes(registrable); !slices.Contains(supported, r) {
			return metadataError("response_types: only %s is supported.", strings.Join(supported, ", "))
		}
	}
	if !slices.Contains(SupportedAuthMethods(), md.TokenEndpointAuthMethod) {
		return metadataError("token_endpoint_auth_method %q is not supported.", md.TokenEndpointAuthMethod)
	}
	for _, s := range ParseScope(md.Scope) {
		if !slices.Contains(RegisteredScopes, s) {
			return metadataError("scope %q is not available.", s)
		}
	}
	appType, err := checkApplicationType(md.ApplicationType)
	if err != nil {
		return err
	}
	md.ApplicationType = appType
	return checkClientInfo(md.info())
}

// info is the descriptive part of the metadata, stored on the client.
func (md ClientMetadata) info() ClientInfo {
	return ClientInfo{ClientURI: md.ClientURI, LogoURI: md.LogoURI, TOSURI: md.TOSURI, PolicyURI: md.PolicyURI,
		Contacts: md.Contacts}
}

// checkRegisteredRedirects requires at least one redirect URI, each valid, fit for the
// application type and, unless it has no host (a native app's private-use scheme), on an
// allowed host.
func checkRegisteredRedirects(md ClientMetadata, hosts []string) *Error {
	if err := checkRedirects(md); err != nil {
		return err
	}
	for _, uri := range append(slices.Clone(md.RedirectURIs), md.PostLogoutRedirectURIs...) {
		if u, _ := url.Parse(uri); u.Host == "" && md.ApplicationType == AppNative {
			continue
		}
		if !allowedRedirectHost(uri, hosts) {
			return fail(ErrInvalidRedirectURI, ReasonBadParameter,
				fmt.Sprintf("%q: redirect URIs of registered clients must point at an allowed host.", uri))
		}
	}
	return nil
}

// checkRedirects requires at least one redirect URI, each valid and fit for the application
// type; post-logout redirect URIs are valid too.
func checkRedirects(md ClientMetadata) *Error {
	if len(md.RedirectURIs) == 0 {
		return fail(ErrInvalidRedirectURI, ReasonBadParameter, "redirect_uris is required.")
	}
	for _, uri := range append(slices.Clone(md.RedirectURIs), md.PostLogoutRedirectURIs...) {
		if !ValidRedirectURI(uri) {
			return fail(ErrInvalidRedirectURI, ReasonBadParameter, fmt.Sprintf("%q is not a valid redirect URI.", uri))
		}
	}
	return checkAppRedirects(md.ApplicationType, md.RedirectURIs)
}

// allowedRedirectHost reports whether uri's host is allowed: loopback hosts with http or
// https, others only with https.
func allowedRedirectHost(uri string, hosts []string) bool {
	u, err := url.Parse(uri)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, h := range hosts {
		if strings.Trim(strings.ToLower(h), "[]") != host {
			continue
		}
		return u.Scheme == "https" || (u.Scheme == "http" && loopback(host))
	}
	return false
}

// loopback reports whether a URI's host (lower-case, without brackets) is localhost or a
// loopback address, parsed as one: "127.evil.example" is a name like any other.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// hiddenRune reports the characters a client name may not show a user: controls, line and
// paragraph separators, and bidirectional formatting (U+202E turns "exe.pdf" into
// "fdp.exe"), which make a name read as something it is not.
func hiddenRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.In(r, unicode.Zl, unicode.Zp)
}

// DisplayName is a client name as a page may show it: without hiddenRune characters, which
// registration refuses and older or imported names may still hold.
func DisplayName(name string) string {
	return strings.Map(func(r rune) rune {
		if hiddenRune(r) {
			return -1
		}
		return r
	}, name)
}
