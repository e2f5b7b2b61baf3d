// Package models is oauthd's storage boundary: the domain types the core, the adapters, the
// CLI and the importer work with, and the small per-concern interfaces a store implements,
// whose doc comments are the contract every engine keeps (models/storetest checks it).
//
// Every secret (token, code, session id, client secret) is held only as a SHA-256 digest; user
// passwords as bcrypt hashes (or, until a first login, the passlib hash `oauthd import`
// brought). Times are Unix seconds (UTC) unless a field says otherwise. Nothing here knows
// how or where rows are kept: the GORM implementation in store/ owns every table, column name
// and encoding.
package models
