package store

// The rows carry the schema; convert.go turns them into the domain types of package models.

// User is a resource owner who logs in through a browser or the login APIs.
type User struct {
	ID           uint   `gorm:"primaryKey"`
	Email        string `gorm:"size:191;not null;uniqueIndex"`
	FullName     string `gorm:"size:255;not null"`
	FirstName    string `gorm:"size:140;not null;default:''"` // given_name; '' on rows older than the column
	LastName     string `gorm:"size:140;not null;default:''"` // family_name; '' = none (null in claims)
	PasswordHash string `gorm:"size:255;not null"`
	Enabled      bool   `gorm:"not null"`
	Roles        string `gorm:"size:1024;not null"` // comma-separated role names
	Subject      string `gorm:"size:64;not null;uniqueIndex"`
	CreatedAt    int64  `gorm:"autoCreateTime:false;not null"`
}

// Client is a registered OAuth application.
type Client struct {
	ID                 string `gorm:"primaryKey;size:191"`
	SecretHash         string `gorm:"size:64;not null"` // SHA-256 hex; empty for public clients
	Name               string `gorm:"size:255;not null"`
	RedirectURIs       string `gorm:"type:text;not null"` // newline-separated, matched exactly
	DefaultRedirectURI string `gorm:"size:2048;not null"`
	Scopes             string `gorm:"size:1024;not null"` // space-separated
	// AuthMethods is the space-separated set of accepted client authentication methods
	// (client_secret_basic, client_secret_post, or none alone). It keeps the column of the
	// single auth_method it replaced: an old row's one value is a set of one and keeps working.
	AuthMethods       string `gorm:"column:auth_method;size:64;not null"`
	GrantTypes        string `gorm:"size:255;not null"` // space-separated
	SkipAuthorization bool   `gorm:"not null"`
	OwnerID           *uint  `gorm:"index"`
	PKCE              string `gorm:"size:16;not null"` // required | optional
	AllowPlainPKCE    bool   `gorm:"not null"`
	RefreshRotation   bool   `gorm:"not null"`
	CreatedAt         int64  `gorm:"autoCreateTime:false;not null"`
	// OwnerEnabled is read with the client by ClientByID (the owner user's enabled flag), so
	// that client_credentials costs one read; it is no column of its own.
	OwnerEnabled bool `gorm:"->;-:migration"`
	// IDTokenAlg is "" (the server's signing keys) or "HS256": Frappe's id_token, signed
	// with the client secret, which SecretSealed then keeps encrypted (see core/keys.go).
	IDTokenAlg   string `gorm:"size:8;not null;default:''"`
	SecretSealed string `gorm:"type:text"`
	// SelfRegistered marks a client created through dynamic registration (RFC 7591), and UsedAt
	// when a user first authorized such a client (0: never), by which registration reclaims the
	// ones nobody uses.
	SelfRegistered bool  `gorm:"not null;default:false"`
	UsedAt         int64 `gorm:"not null;default:0"`
	// PostLogoutRedirectURIs are newline-separated, matched exactly at end_session.
	PostLogoutRedirectURIs string `gorm:"type:text"`
	// What a client says about itself when it registers (RFC 7591 §2): its pages, and the
	// e-mail addresses of its people (newline-separated). Text columns: they count nothing
	// towards MySQL's row size limit, and older rows read them as empty.
	ClientURI string `gorm:"type:text"`
	LogoURI   string `gorm:"type:text"`
	TOSURI    string `gorm:"column:tos_uri;type:text"`
	PolicyURI string `gorm:"type:text"`
	Contacts  string `gorm:"type:text"`
	// ApplicationType is web or native (OpenID Connect registration); rows older than the
	// column read as web, the default.
	ApplicationType string `gorm:"size:8;not null;default:'web'"`
	// MetadataDocument marks a client known by its client ID metadata document: its id is the
	// document's https URL, and its other columns are what the document said when last read.
	MetadataDocument bool `gorm:"not null;default:false"`
	// Profile names the system the client came from (standard, frappe-v15, frappe, odoo), which
	// decides the legacy behaviours it may use (see core/profiles.go).
	Profile string `gorm:"size:16;not null;default:'standard'"` // models.DefaultProfile
	// RefusedQuirks are the space-separated legacy behaviours an operator took away from this
	// client after reading its quirk ledger (see core/quirks.go).
	RefusedQuirks string `gorm:"size:512;not null;default:''"`
	// AllowedRoles, when set, are the roles (comma-separated, as a user's) of which a user
	// needs one to authorize the client, as Frappe's OAuth Client "Allowed Roles".
	AllowedRoles string `gorm:"type:text"`
}

// ClientOrigin is a browser origin ("https://app.example.com") a client may call the token,
// revocation, introspection, userinfo and metadata endpoints from (CORS). One row per origin,
// keyed by origin first, so that a cross-origin request costs one index lookup.
type ClientOrigin struct {
	Origin   string `gorm:"primaryKey;size:191"`
	ClientID string `gorm:"primaryKey;size:191"`
}

// AuthorizationCode is a code handed to a client after consent; ID is the code's digest.
type AuthorizationCode struct {
	ID               string `gorm:"primaryKey;size:64"`
	GrantID          string `gorm:"size:64;not null"`
	ClientID         string `gorm:"size:191;not null;index"`
	UserID           uint   `gorm:"not null"`
	Scope            string `gorm:"size:1024;not null"`
	RedirectURI      string `gorm:"size:2048;not null"`
	RedirectURIGiven bool   `gorm:"not null"`
	CodeChallenge    string `gorm:"size:128;not null"`
	ChallengeMethod  string `gorm:"size:8;not null"`
	Nonce            string `gorm:"size:255;not null"`
	AuthTime         int64  `gorm:"not null;default:0"`                     // when the user logged in (OIDC auth_time)
	SID              string `gorm:"column:sid;size:64;not null;default:''"` // the login's session (OIDC sid)
	Resource         string `gorm:"size:2048;not null;default:''"`          // RFC 8707 resource indicator
	// OpenID: the authorization request asked for openid itself (not merely a client whose
	// default scope holds it), which alone earns an id_token.
	OpenID    bool  `gorm:"column:openid;not null;default:false"`
	IssuedAt  int64 `gorm:"not null"`
	ExpiresAt int64 `gorm:"not null;index"`
	UsedAt    int64 `gorm:"not null"` // 0 until exchanged
}

// Token is an access or refresh token; ID is the token's digest. Tokens of one authorization
// (a code exchange and every refresh after it) share a GrantID, so reuse of a code or of a
// rotated refresh token can revoke them together.
type Token struct {
	ID        string `gorm:"primaryKey;size:64"`
	Kind      string `gorm:"size:8;not null"`
	GrantID   string `gorm:"size:64;not null;index:idx_tokens_grant_live,priority:1"`
	ClientID  string `gorm:"size:191;not null;index:idx_tokens_user_client,priority:2"`
	UserID    uint   `gorm:"not null;index:idx_tokens_user_client,priority:1"`
	Scope     string `gorm:"size:1024;not null"`
	IssuedAt  int64  `gorm:"not null"`
	ExpiresAt int64  `gorm:"not null"`                                        // 0: never
	RevokedAt int64  `gorm:"not null;index:idx_tokens_grant_live,priority:2"` // 0: not revoked
	RotatedAt int64  `gorm:"not null"`                                        // refresh tokens: when a refresh replaced it
	// Successor holds, for a rotated refresh token, the pair that replaced it, sealed under a
	// key only the old token's plaintext yields (see core/refresh_reuse.go): a retry within
	// the reuse interval gets the same pair back, and the database alone cannot read it.
	Successor []byte
	AuthTime  int64  `gorm:"not null;default:0"`                     // the login behind the grant (OIDC auth_time)
	SID       string `gorm:"column:sid;size:64;not null;default:''"` // that login's session (OIDC sid)
	Resource  string `gorm:"size:2048;not null;default:''"`          // RFC 8707 resource, reported as aud
	// OpenID: the grant's authorization request asked for openid, so its refreshes carry an
	// id_token too (set on refresh tokens; an access token never needs it).
	OpenID bool `gorm:"column:openid;not null;default:false"`
}

// Consent records that a user approved a client for some scopes.
type Consent struct {
	ID        uint   `gorm:"primaryKey"`
	UserID    uint   `gorm:"not null;uniqueIndex:idx_consent_user_client,priority:1"`
	ClientID  string `gorm:"size:191;not null;uniqueIndex:idx_consent_user_client,priority:2"`
	Scope     string `gorm:"size:1024;not null"`
	GrantedAt int64  `gorm:"not null"`
}

// Session is a logged-in browser; ID is the digest of the session cookie.
type Session struct {
	ID        string `gorm:"primaryKey;size:64"`
	UserID    uint   `gorm:"not null;index"`
	CreatedAt int64  `gorm:"autoCreateTime:false;not null"`
	ExpiresAt int64  `gorm:"not null;index"`
}

// All lists every model, in migration order.
func All() []any {
	return []any{&User{}, &Client{}, &ClientOrigin{}, &AuthorizationCode{}, &Token{}, &Consent{}, &Session{}, &Revocation{},
		&ImportRecord{}, &AdminToken{}, &AdminSession{}, &SigningKey{}, &ClientQuirk{}}
}
