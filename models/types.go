package models

// User is a resource owner who logs in through a browser or the login APIs.
type User struct {
	ID           uint
	Email        string // unique; compared byte for byte
	FullName     string
	FirstName    string // given_name; "" on users older than names
	LastName     string // family_name; "" = none (null in claims)
	PasswordHash string
	Enabled      bool
	Roles        []string
	Subject      string // the OpenID Connect sub: unique, never reused
	CreatedAt    int64
}

// DefaultProfile is the profile of a client registered without one (core.ProfileStandard).
const DefaultProfile = "standard"

// Client is a registered OAuth application.
type Client struct {
	ID                 string // case-sensitive, matched exactly (RFC 6749 §2.2)
	SecretHash         string // SHA-256 hex of the secret; "" for public clients
	Name               string
	RedirectURIs       []string // matched exactly
	DefaultRedirectURI string
	Scopes             []string
	// AuthMethods are the accepted client authentication methods (client_secret_basic,
	// client_secret_post, or none alone).
	AuthMethods       []string
	GrantTypes        []string
	SkipAuthorization bool
	OwnerID           *uint
	PKCE              string // required | optional
	AllowPlainPKCE    bool
	RefreshRotation   bool
	CreatedAt         int64
	// OwnerEnabled is the owner user's enabled flag, read with the client by ClientByID so that
	// client_credentials costs one read; writes ignore it.
	OwnerEnabled bool
	// IDTokenAlg is "" (the server's signing keys) or "HS256": Frappe's id_token, signed with
	// the client secret, which SecretSealed then keeps encrypted (see core/keys.go).
	IDTokenAlg   string
	SecretSealed string
	// SelfRegistered marks a client created through dynamic registration (RFC 7591), and UsedAt
	// when a user first authorized such a client (0: never).
	SelfRegistered         bool
	UsedAt                 int64
	PostLogoutRedirectURIs []string // matched exactly at end_session
	// What a client says about itself when it registers (RFC 7591 §2).
	ClientURI string
	LogoURI   string
	TOSURI    string
	PolicyURI string
	Contacts  []string
	// ApplicationType is web or native (OpenID Connect registration).
	ApplicationType string
	// MetadataDocument marks a client known by its client ID metadata document: its id is the
	// document's https URL, and its other fields are what the document said when last read.
	MetadataDocument bool
	// Profile names the system the client came from (standard, frappe-v15, frappe, odoo).
	Profile string
	// RefusedQuirks are the legacy behaviours an operator took away from this client.
	RefusedQuirks []string
	// AllowedRoles, when set, are the roles of which a user needs one to authorize the client.
	AllowedRoles []string
}

// AuthorizationCode is a code handed to a client after consent; ID is the code's digest.
type AuthorizationCode struct {
	ID               string
	GrantID          string
	ClientID         string
	UserID           uint
	Scope            string // space-delimited (RFC 6749 §3.3)
	RedirectURI      string
	RedirectURIGiven bool
	CodeChallenge    string
	ChallengeMethod  string
	Nonce            string
	AuthTime         int64  // when the user logged in (OIDC auth_time)
	SID              string // the login's session (OIDC sid)
	Resource         string // RFC 8707 resource indicator
	// OpenID: the authorization request asked for openid itself, which alone earns an id_token.
	OpenID    bool
	IssuedAt  int64
	ExpiresAt int64
	UsedAt    int64 // 0 until exchanged
}

// Token kinds.
const (
	KindAccess  = "access"
	KindRefresh = "refresh"
)

// Token is an access or refresh token; ID is the token's digest. Tokens of one authorization
// (a code exchange and every refresh after it) share a GrantID, so reuse of a code or of a
// rotated refresh token can revoke them together.
type Token struct {
	ID        string
	Kind      string
	GrantID   string
	ClientID  string
	UserID    uint // 0: a client's own token (client_credentials)
	Scope     string
	IssuedAt  int64
	ExpiresAt int64 // 0: never
	RevokedAt int64 // 0: not revoked
	RotatedAt int64 // refresh tokens: when a refresh replaced it
	// Successor holds, for a rotated refresh token, the pair that replaced it, sealed under a
	// key only the old token's plaintext yields (see core/refresh_reuse.go).
	Successor []byte
	AuthTime  int64  // the login behind the grant (OIDC auth_time)
	SID       string // that login's session (OIDC sid)
	Resource  string // RFC 8707 resource, reported as aud
	// OpenID: the grant's authorization request asked for openid, so its refreshes carry an
	// id_token too.
	OpenID bool
}

// TokenOwner is a token with the user it speaks for and a word on its client.
type TokenOwner struct {
	Token
	Email        string
	FullName     string
	FirstName    string
	LastName     string
	Enabled      bool
	Roles        []string
	Subject      string
	SkipConsent  bool // the client's skip_authorization ("trusted client")
	ClientExists bool
	// ClientRefusedQuirks are the client's refused quirks (TokenByID only).
	ClientRefusedQuirks []string
}

// Consent records that a user approved a client for some scopes.
type Consent struct {
	ID        uint
	UserID    uint
	ClientID  string
	Scope     string
	GrantedAt int64
}

// ConnectedApp is a client a user let in: it holds their remembered consent, or live tokens of
// theirs.
type ConnectedApp struct {
	ClientID       string
	Name           string
	SelfRegistered bool
	Scope          string // the remembered consent's scopes; "" when only tokens remain
}

// Session is a logged-in browser; ID is the digest of the session cookie.
type Session struct {
	ID        string
	UserID    uint
	CreatedAt int64
	ExpiresAt int64
}

// SessionUser is a live session's user and when that session was opened (the login time).
type SessionUser struct {
	User
	LoginAt int64
}
