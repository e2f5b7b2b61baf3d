package models

import (
	"context"
	"time"
)

// Store is everything oauthd keeps. An implementation is safe for concurrent use. Every
// method answers ErrNotFound for an absent record where it says so, and wraps any other
// failure with context; none panics on input a client could send (a NUL byte in a looked-up
// id is simply not found).
type Store interface {
	Users
	Clients
	Codes
	Tokens
	Consents
	Sessions
	Keys
	AdminTokens
	Quirks
	Revocations
	Imports
	// Tx runs fn with a Store whose every call belongs to one transaction: all of it is kept
	// when fn returns nil, none of it otherwise. fn may run more than once (a transaction the
	// database rolled back as a deadlock is retried), so it must set its results afresh on each
	// run. Within fn, use only the Store it is given; a method that is atomic on its own joins
	// the transaction there, and Tx on it runs fn within the same transaction.
	Tx(ctx context.Context, fn func(tx Store) error) error
	// Purge deletes codes and sessions that expired before cutoff, and tokens that expired or
	// were revoked before it, in one transaction. Nothing live is touched.
	Purge(ctx context.Context, cutoff int64) (Purged, error)
	// Migrate creates or upgrades the schema; it is safe to run at every start.
	Migrate(ctx context.Context) error
	// Ping checks that the store answers.
	Ping(ctx context.Context) error
	// Close releases the store's connections.
	Close() error
}

// Users keeps resource owners.
type Users interface {
	// CreateUser inserts u and sets u.ID; ErrConflict when the email or subject is taken.
	CreateUser(ctx context.Context, u *User) error
	// UserByEmail finds a user by exact email, byte for byte (a collation that folds case or
	// accents does not make another spelling that user); ErrNotFound otherwise.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// UserByID finds a user; ErrNotFound if absent.
	UserByID(ctx context.Context, id uint) (*User, error)
	// UpdateUser reads the user, lets update change it and writes every field but ID and
	// CreatedAt back, in one transaction that holds the user against other updates (two
	// concurrent updates each see what the other wrote); nothing is written when update returns
	// an error, which UpdateUser returns. ErrNotFound if absent; ErrConflict if the new email is
	// taken.
	UpdateUser(ctx context.Context, id uint, update func(*User) error) error
	// ReplacePasswordHash sets the user's password hash only if it still is old (a conditional
	// update: of concurrent re-hashes of one password, one writes); when it is not, nothing
	// changes and that is no error.
	ReplacePasswordHash(ctx context.Context, id uint, old, hash string) error
	// ListUsers returns one page of users in id order and how many match in all.
	ListUsers(ctx context.Context, f UserFilter) ([]User, int64, error)
	// CutOffUser revokes every active token of a user at now and deletes the user's sessions
	// and codes, atomically: what disabling or removing a user must take away.
	CutOffUser(ctx context.Context, userID uint, now int64) error
	// DeleteUser removes a user with their codes, tokens, consents and sessions; clients they
	// owned lose their owner. ErrNotFound if absent.
	DeleteUser(ctx context.Context, id uint) error
}

// Clients keeps registered applications.
type Clients interface {
	// CreateClient inserts c with the browser origins it may call from (CORS, lower-case),
	// atomically; ErrConflict when the id is taken.
	CreateClient(ctx context.Context, c *Client, origins ...string) error
	// ClientByID finds a client by exact id (client ids are case-sensitive), with its owner's
	// enabled flag in OwnerEnabled; ErrNotFound otherwise.
	ClientByID(ctx context.Context, id string) (*Client, error)
	// ListClients returns every client, oldest first (then by id).
	ListClients(ctx context.Context) ([]Client, error)
	// UpdateClient reads the client, lets update change it and writes every field but ID,
	// CreatedAt and OwnerEnabled back, in one transaction that holds the client against other
	// updates; nothing is written when update returns an error, which UpdateClient returns.
	// ErrNotFound if absent.
	UpdateClient(ctx context.Context, id string, update func(*Client) error) error
	// DeleteClient removes a client with its codes, tokens, consents, origins and quirk ledger,
	// atomically; ErrNotFound if absent.
	DeleteClient(ctx context.Context, id string) error
	// SetClientSecret replaces a client's secret digest (setting the same one again is no
	// error); ErrNotFound if absent.
	SetClientSecret(ctx context.Context, id, secretHash string) error
	// SetClientSealedSecret stores an HS256 client's sealed secret; ErrNotFound if absent.
	SetClientSealedSecret(ctx context.Context, id, sealed string) error
	// OriginRegistered reports whether any client registered the origin, matched exactly.
	OriginRegistered(ctx context.Context, origin string) (bool, error)
	// ClientOrigins lists the origins a client registered, sorted.
	ClientOrigins(ctx context.Context, id string) ([]string, error)
	// CountSelfRegistered counts clients created through dynamic registration.
	CountSelfRegistered(ctx context.Context) (int64, error)
	// DeleteUnusedSelfRegistered deletes the self-registered clients created before cutoff
	// that no user ever authorized (UsedAt 0), and says how many.
	DeleteUnusedSelfRegistered(ctx context.Context, cutoff int64) (int64, error)
	// MarkClientUsed records when a user first authorized a client; later calls change nothing.
	MarkClientUsed(ctx context.Context, id string, now int64) error
}

// Codes keeps authorization codes.
type Codes interface {
	// CreateCode inserts a code; ErrConflict when its digest exists.
	CreateCode(ctx context.Context, c *AuthorizationCode) error
	// ConsumeCode marks the code used at now if it is still unused and reports whether this
	// call did: of any number of concurrent callers on any number of instances, exactly one
	// gets true (one conditional update decides; no read-then-write).
	ConsumeCode(ctx context.Context, id string, now int64) (bool, error)
	// CodeByID reads a code by digest; ErrNotFound if absent.
	CodeByID(ctx context.Context, id string) (*AuthorizationCode, error)
	// CodeWithUser reads a code with its user in one round trip; the user is nil when it no
	// longer exists. ErrNotFound if the code is absent.
	CodeWithUser(ctx context.Context, id string) (*AuthorizationCode, *User, error)
}

// Tokens keeps access and refresh tokens and the grants they share.
type Tokens interface {
	// CreateTokens inserts tokens atomically; ErrConflict when a digest exists.
	CreateTokens(ctx context.Context, ts ...*Token) error
	// CreateTokenForClient inserts t, every field as given, only if its client exists at that
	// moment, in one atomic step ordered against DeleteClient, and reports whether it did: a
	// client removed meanwhile leaves no orphan token, however the two race.
	CreateTokenForClient(ctx context.Context, t *Token) (bool, error)
	// TokenByID reads a token with its user (every field) and its client's skip_authorization
	// and refused quirks; ErrNotFound if the token or its user is absent.
	TokenByID(ctx context.Context, id string) (*TokenOwner, error)
	// BearerByID reads what a bearer check needs in one round trip: the token's Kind, GrantID,
	// ClientID, UserID, Scope, ExpiresAt, RevokedAt and Resource, and its user's Email,
	// FullName, Enabled and Subject; ClientExists is true (a token never outlives its client).
	// ErrNotFound if the token or its user is absent.
	BearerByID(ctx context.Context, id string) (*TokenOwner, error)
	// TokenForIntrospection reads in one round trip what introspection reports of a token:
	// what TokenByID reads but GrantID, RotatedAt, Successor, AuthTime, SID and OpenID (left
	// zero). ErrNotFound if the token or its user is absent; a revoked or expired token is
	// returned as it is.
	TokenForIntrospection(ctx context.Context, id string) (*TokenOwner, error)
	// ClientAndTokenForIntrospection reads in one round trip the client clientID (matched
	// exactly; only ID, SecretHash, AuthMethods, Scopes and MetadataDocument set) and the token
	// tokenID as TokenForIntrospection reads it, nil without an error when it or its user is
	// absent. ErrNotFound if the client is absent, whatever the token. Nothing is checked: the
	// caller authenticates the client before it uses anything of the token.
	ClientAndTokenForIntrospection(ctx context.Context, clientID, tokenID string) (*Client, *TokenOwner, error)
	// TokenRows reads the tokens among ids, by digest; absent ones are left out.
	TokenRows(ctx context.Context, ids []string) (map[string]Token, error)
	// ListTokens returns tokens newest first (IssuedAt descending, then ID ascending), at most
	// f.Limit.
	ListTokens(ctx context.Context, f TokenFilter) ([]Token, error)
	// RotateRefresh marks an active, unrotated refresh token rotated and revoked at now,
	// keeping the sealed successor, and reports whether this call did: of concurrent callers
	// exactly one gets true.
	RotateRefresh(ctx context.Context, id string, now int64, successor []byte) (bool, error)
	// RevokeToken revokes one token if it is still active.
	RevokeToken(ctx context.Context, id string, now int64) error
	// RevokeGrant revokes every active token of a grant and forgets its user's consent for its
	// client, atomically, so that the next authorization asks again.
	RevokeGrant(ctx context.Context, grantID string, now int64) error
	// RevokeAccessTokensOfGrant revokes a grant's active access tokens, not its refresh token.
	RevokeAccessTokensOfGrant(ctx context.Context, grantID string, now int64) error
	// RevokeClientTokens revokes every active token of a client and says how many.
	RevokeClientTokens(ctx context.Context, clientID string, now int64) (int64, error)
	// ActiveScopes lists the scopes of a user's live access tokens for a client (at most 50).
	ActiveScopes(ctx context.Context, userID uint, clientID string, now int64) ([]string, error)
}

// Consents keeps what users approved.
type Consents interface {
	// SaveConsent records a user's consent for a client, replacing an earlier one's scopes
	// (an upsert: concurrent saves leave one consent).
	SaveConsent(ctx context.Context, c *Consent) error
	// ConsentScope returns the scopes a user last approved for a client; ErrNotFound if none.
	ConsentScope(ctx context.Context, userID uint, clientID string) (string, error)
	// ConnectedApps lists the clients that hold a user's consent or a token of theirs live at
	// now, by name then id.
	ConnectedApps(ctx context.Context, userID uint, now int64) ([]ConnectedApp, error)
	// RevokeUserClient forgets a user's consent for a client, revokes every active token of
	// theirs it holds and deletes its unexchanged codes, atomically.
	RevokeUserClient(ctx context.Context, userID uint, clientID string, now int64) error
}

// Sessions keeps signed-in browsers.
type Sessions interface {
	// CreateSession inserts a browser session; ErrConflict when its id exists.
	CreateSession(ctx context.Context, sess *Session) error
	// SessionByID reads a session that has not expired at now, with its user; ErrNotFound
	// otherwise.
	SessionByID(ctx context.Context, id string, now int64) (*SessionUser, error)
	// DeleteSession ends a session; deleting an absent one is no error.
	DeleteSession(ctx context.Context, id string) error
	// TrimSessions keeps a user's keep newest sessions and deletes the others.
	TrimSessions(ctx context.Context, userID uint, keep int) error
}

// Keys keeps the id_token signing keys.
type Keys interface {
	// CreateSigningKey inserts a key and retires every other active key at its CreatedAt,
	// atomically, so that exactly the new key signs.
	CreateSigningKey(ctx context.Context, k *SigningKey) error
	// SigningKeys lists every key: the active one first, then the others newest first.
	SigningKeys(ctx context.Context) ([]SigningKey, error)
	// DeleteSigningKey removes a key; ErrNotFound if absent.
	DeleteSigningKey(ctx context.Context, id string) error
}

// AdminTokens keeps the admin API's tokens and the admin page's sessions.
type AdminTokens interface {
	// CreateAdminToken inserts t; ErrConflict when the name is taken.
	CreateAdminToken(ctx context.Context, t *AdminToken) error
	// AdminTokenByID reads an admin token by digest; ErrNotFound if absent.
	AdminTokenByID(ctx context.Context, id string) (*AdminToken, error)
	// ListAdminTokens returns every admin token, oldest first.
	ListAdminTokens(ctx context.Context) ([]AdminToken, error)
	// DeleteAdminToken removes the token of that exact name with the sessions signed in with
	// it, atomically; ErrNotFound if absent.
	DeleteAdminToken(ctx context.Context, name string) error
	// TouchAdminToken records a use at now, at most once a minute per token.
	TouchAdminToken(ctx context.Context, id string, now int64) error
	// CreateAdminSession inserts sess and deletes the sessions expired at now.
	CreateAdminSession(ctx context.Context, sess *AdminSession, now int64) error
	// AdminSessionToken reads the token of a session live at now; ErrNotFound when the session
	// is unknown or expired or its token was removed.
	AdminSessionToken(ctx context.Context, id string, now int64) (*AdminToken, error)
	// DeleteAdminSession ends a session; deleting an absent one is no error.
	DeleteAdminSession(ctx context.Context, id string) error
}

// Quirks keeps the quirk ledger.
type Quirks interface {
	// AddClientQuirks adds counts to the ledger atomically: a line that exists gets the counts
	// added and its first and last sightings widened, so instances flushing the same line sum.
	AddClientQuirks(ctx context.Context, lines []ClientQuirk) error
	// ClientQuirks reads the ledger of one client, or of every client for "", by client then
	// quirk.
	ClientQuirks(ctx context.Context, clientID string) ([]ClientQuirk, error)
	// RefusedQuirks maps each client that refuses any quirk to its refused list.
	RefusedQuirks(ctx context.Context) (map[string][]string, error)
}

// Revocations keeps the revocation feed.
type Revocations interface {
	// AddRevocation appends to the feed and sets r.ID.
	AddRevocation(ctx context.Context, r *Revocation) error
	// RevocationsSince lists the entries written at or after since (Unix ms), oldest first, at
	// most limit.
	RevocationsSince(ctx context.Context, since int64, limit int) ([]Revocation, error)
	// PurgeRevocations deletes the entries written before cutoff (Unix ms).
	PurgeRevocations(ctx context.Context, cutoff int64) error
}

// Imports keeps what `oauthd import` read.
type Imports interface {
	// ImportRecordsOf maps the keys of one source and kind to their fingerprints.
	ImportRecordsOf(ctx context.Context, source, kind string) (map[string]string, error)
	// SaveImportRecord inserts or replaces a record.
	SaveImportRecord(ctx context.Context, r *ImportRecord) error
}

// Counters are the per-address and per-account limits' expiring counts (logins,
// registrations). core.MemoryCounters serve one process; cluster.Counters keeps them in Redis,
// so that several instances count the same attempts.
type Counters interface {
	// Incr adds one to key's counter and returns the new count. The counter expires ttl after
	// its first increment.
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
	// Count returns key's current count (0 when absent or expired).
	Count(ctx context.Context, key string) (int64, error)
	// Reset forgets key.
	Reset(ctx context.Context, key string) error
}
