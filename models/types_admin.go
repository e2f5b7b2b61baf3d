package models

// AdminToken lets its holder use the admin API and page; ID is the token's digest.
type AdminToken struct {
	ID         string
	Name       string // unique
	CreatedAt  int64
	LastUsedAt int64
}

// AdminSession is a browser signed in to the admin page; ID is the digest of its cookie, a
// handle of its own, so that the cookie never holds the admin token itself.
type AdminSession struct {
	ID        string
	TokenID   string // the admin token it was signed in with
	CreatedAt int64
	ExpiresAt int64
}

// SigningKey is one of the server's id_token signing keys. ID is the JWK "kid". The private
// key is held only sealed (AES-GCM under keys.encryption_secret, see core/keys.go); the public
// key is the JWK served at /.well-known/jwks.json.
type SigningKey struct {
	ID            string
	Alg           string
	PublicJWK     string
	PrivateSealed string
	CreatedAt     int64
	RetiredAt     int64 // 0: may sign; else only published until tokens expire
}

// ClientQuirk is one line of the quirk ledger: how often a client used one legacy behaviour
// (Uses), how many of those uses were refused (Refused), and when it was first and last seen.
// Instances add their counts to it, so the line is the sum over all of them.
type ClientQuirk struct {
	ClientID  string
	Quirk     string
	Uses      int64
	Refused   int64
	FirstSeen int64
	LastSeen  int64
}

// Revocation is one entry of the revocation feed: an append-only log of what was revoked (a
// token, a grant, every token of a user or of a client), which every instance polls so that a
// revocation made anywhere reaches every instance's bearer cache. AtMS is Unix milliseconds.
type Revocation struct {
	ID       uint64 // assigned in order of writing
	TokenID  string
	GrantID  string
	UserID   uint
	ClientID string
	AtMS     int64
}

// ImportRecord remembers what `oauthd import` last read from a Frappe or Odoo row, as a
// fingerprint, so that a re-run leaves alone what did not change at the source.
type ImportRecord struct {
	Source      string // frappe | odoo
	Kind        string // user | client
	Key         string
	Fingerprint string
	ImportedAt  int64
}

// Purged counts what Purge deleted.
type Purged struct {
	Codes    int64 `json:"codes"`
	Tokens   int64 `json:"tokens"`
	Sessions int64 `json:"sessions"`
}

// TokenFilter selects tokens by user or client; Live keeps only unrevoked, unexpired ones.
type TokenFilter struct {
	UserID   uint
	ClientID string
	Live     bool
	Now      int64
	Limit    int
}

// UserFilter selects a page of users: Search matches part of the email or the name, case
// insensitively, with % and _ matching themselves.
type UserFilter struct {
	Search        string
	Offset, Limit int
}
