// Package store is oauthd's GORM implementation of the models.Store contracts, on SQLite
// (embedded, the default; in a file, or in memory for serve --ephemeral), MySQL/MariaDB (Galera,
// TiDB) and PostgreSQL. It alone knows tables, column names and list encodings: rows.go holds
// the schema and convert.go turns rows into the domain types of package models and back. Times
// are Unix seconds (UTC) so that every engine compares them the same way. Package
// models/storetest checks the contracts on each engine (conformance_test.go).
package store
