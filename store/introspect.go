package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"

	"oauthd/models"
)

// The reads of token introspection (RFC 7662). An introspection answers with the token, its
// user's claims and its client's skip_authorization, and when the caller authenticates with
// client credentials it needs the caller's client too: both come in one statement, fixed text
// scanned by hand, as the bearer check's read (BearerByID) is. TokenByID reads more than
// introspection reports (the grant, the sealed successor), which a refresh needs.

// introspectedColumns are what TokenForIntrospection reads, in scanIntrospected's order; the
// same list serves the caller's read, where the token is LEFT JOINed and its columns may be NULL.
// Whether the token, its user and its client exist is read from a NOT NULL column of each being
// NULL: every column costs the SQLite driver two allocations a read (its name and type).
// They are not COALESCEd: modernc's SQLite driver tries to parse every text value of an
// expression column (no declared type) as a time, which measured as much as the rest of the read.
const introspectedColumns = "tokens.kind, tokens.client_id, tokens.user_id, tokens.scope, tokens.issued_at, " +
	"tokens.expires_at, tokens.revoked_at, tokens.resource, users.email, users.full_name, users.first_name, " +
	"users.last_name, users.enabled, users.roles, users.subject, token_clients.skip_authorization, " +
	"token_clients.refused_quirks"

// introspectedJoins join a token's user and client to the table tokens.
const introspectedJoins = " LEFT JOIN users ON users.id = tokens.user_id" +
	" LEFT JOIN clients token_clients ON token_clients.id = tokens.client_id"

const introspectTokenSQL = "SELECT " + introspectedColumns + " FROM tokens" + introspectedJoins +
	" WHERE tokens.id = ?"

// introspectByClientSQL reads the caller's client and LEFT JOINs the token, which has no
// relation to it: the row is the client's, with the token's columns when the token exists.
const introspectByClientSQL = "SELECT clients.id, clients.secret_hash, clients.auth_method, clients.scopes, " +
	"clients.metadata_document, " + introspectedColumns + " FROM clients LEFT JOIN tokens ON tokens.id = ?" +
	introspectedJoins + " WHERE clients.id = ? LIMIT 1"

// TokenForIntrospection reads the token whose digest is id with what introspection reports of
// it, in one statement: the token's columns but its GrantID, RotatedAt, Successor, AuthTime, SID
// and OpenID (left zero), its user's Email, FullName, FirstName, LastName, Enabled, Roles and Subject, and its
// client's skip_authorization (SkipConsent), existence (ClientExists) and refused_quirks
// (ClientRefusedQuirks). ErrNotFound when there is no such token or its user is gone. Nothing
// is decided here: a revoked or expired token is returned as it is.
func (s *Store) TokenForIntrospection(ctx context.Context, id string) (*models.TokenOwner, error) {
	rows, err := s.fixedRows(ctx, introspectTokenSQL, id)
	if err != nil {
		return nil, found(err, "token for introspection")
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, found(cmp.Or(rows.Err(), gorm.ErrRecordNotFound), "token for introspection")
	}
	t, err := scanIntrospected(rows, id)
	if err != nil {
		return nil, fmt.Errorf("token for introspection: %w", err)
	}
	if t == nil {
		return nil, ErrNotFound
	}
	return t, nil
}

// ClientAndTokenForIntrospection reads, in one statement, the client clientID (matched exactly,
// as ClientByID matches it) and the token whose digest is tokenID as TokenForIntrospection reads
// it. Of the client only ID, SecretHash, AuthMethods, Scopes and MetadataDocument are set: what
// authenticating an introspection's caller needs. ErrNotFound when there is no such client,
// whatever the token; the token is nil, without an error, when there is no such token or its user
// is gone. The client's secret is not checked here: the caller must authenticate the client
// before it reveals anything of the token.
func (s *Store) ClientAndTokenForIntrospection(ctx context.Context, clientID, tokenID string) (*models.Client, *models.TokenOwner, error) {
	rows, err := s.fixedRows(ctx, introspectByClientSQL, tokenID, clientID)
	if err != nil { // a NUL byte PostgreSQL refuses is in no row: not found
		return nil, nil, found(err, "client and token for introspection")
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, nil, found(cmp.Or(rows.Err(), gorm.ErrRecordNotFound), "client and token for introspection")
	}
	var c models.Client
	var methods, scopes string
	t, err := scanIntrospected(rows, tokenID, &c.ID, &c.SecretHash, &methods, &scopes, &c.MetadataDocument)
	if err != nil {
		return nil, nil, fmt.Errorf("client and token for introspection: %w", err)
	}
	if c.ID != clientID {
		return nil, nil, ErrNotFound
	}
	c.AuthMethods, c.Scopes = split(methods, wordSep), split(scopes, wordSep)
	return &c, t, nil
}

// scanIntrospected scans a row of introspectedColumns after the columns before (the caller's);
// nil when the row holds no token, or a token whose user is gone.
func scanIntrospected(rows *sql.Rows, id string, before ...any) (*models.TokenOwner, error) {
	var text [9]sql.NullString // kind, client, scope, resource, email, full, first, last, roles
	var nums [4]sql.NullInt64  // user, issued, expires, revoked
	var subject, refused sql.NullString
	var enabled, skip sql.NullBool
	dest := append(before, &text[0], &text[1], &nums[0], &text[2], &nums[1], &nums[2], &nums[3], &text[3],
		&text[4], &text[5], &text[6], &text[7], &enabled, &text[8], &subject, &skip, &refused)
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	if !text[0].Valid || !text[4].Valid { // no token, or TokenByID's JOIN would find none without its user
		return nil, nil
	}
	return &models.TokenOwner{Token: models.Token{ID: id, Kind: text[0].String, ClientID: text[1].String,
		UserID: uint(nums[0].Int64), Scope: text[2].String, IssuedAt: nums[1].Int64, ExpiresAt: nums[2].Int64,
		RevokedAt: nums[3].Int64, Resource: text[3].String},
		Email: text[4].String, FullName: text[5].String, FirstName: text[6].String, LastName: text[7].String,
		Enabled: enabled.Bool, Roles: split(text[8].String, rolesSep), Subject: subject.String,
		SkipConsent: skip.Bool, ClientExists: skip.Valid, ClientRefusedQuirks: split(refused.String, wordSep)}, nil
}

// fixedRows runs a fixed statement (BearerByID's, TokenByID's, the introspection reads): its
// text goes to the driver as it is, instead of through Raw, which copies it byte by byte looking
// for placeholders (measured: 7% of the bearer read, a fifth of these reads on SQLite).
// PostgreSQL's placeholders are numbered, once per text. Rows, not Row: GORM's
// prepared-statement pool answers a failed prepare with an empty *sql.Row, whose Scan panics.
func (s *Store) fixedRows(ctx context.Context, text string, vars ...any) (*sql.Rows, error) {
	tx := s.db.WithContext(ctx).Raw("")
	if tx.Dialector.Name() == "postgres" {
		text = numbered(text)
	}
	tx.Statement.SQL.WriteString(text)
	tx.Statement.Vars = append(tx.Statement.Vars, vars...)
	return tx.Rows()
}

// numberedTexts caches numbered's results: the statements are a few constants.
var numberedTexts sync.Map

// numbered is text with its ? placeholders as PostgreSQL's $1, $2, ...; the texts it is
// given hold no ? in a literal.
func numbered(text string) string {
	if v, ok := numberedTexts.Load(text); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for part := range strings.SplitSeq(text, "?") {
		if n > 0 {
			b.WriteString("$" + strconv.Itoa(n))
		}
		b.WriteString(part)
		n++
	}
	numberedTexts.Store(text, b.String())
	return b.String()
}
