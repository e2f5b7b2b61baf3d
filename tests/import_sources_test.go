package tests

// The source databases of the import tests: a Frappe site's tables on MariaDB, in a v14 and a
// v16 shape, created with the columns and types Frappe's schema sync gives its doctypes, and
// the Odoo REST API module's tables on PostgreSQL, named as Odoo's ORM names them. Password
// hashes come from the real passlib (compat/testdata/gen_passlib.py).

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// passlibHash returns the passlib hash of password from compat/testdata/passlib.json.
func passlibHash(t testing.TB, password string) string {
	t.Helper()
	raw, err := os.ReadFile("../compat/testdata/passlib.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ Password, Hash string }
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Password == password {
			return c.Hash
		}
	}
	t.Fatalf("no passlib fixture for %q", password)
	return ""
}

// frappeDoc is the columns every Frappe doctype table starts with.
const frappeDoc = "`name` varchar(140) NOT NULL, `creation` datetime(6) DEFAULT NULL, " +
	"`modified` datetime(6) DEFAULT NULL, `modified_by` varchar(140) DEFAULT NULL, " +
	"`owner` varchar(140) DEFAULT NULL, `docstatus` int(1) NOT NULL DEFAULT 0, `idx` int(8) NOT NULL DEFAULT 0, "

const frappeChild = "`parent` varchar(140) DEFAULT NULL, `parentfield` varchar(140) DEFAULT NULL, " +
	"`parenttype` varchar(140) DEFAULT NULL, "

const frappeTable = " PRIMARY KEY (`name`)) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"

// frappeSchema creates a site's tables; v16 adds the 2024-2025 columns and the role table.
func frappeSchema(v16 bool) []string {
	client := "`client_id` varchar(140) DEFAULT NULL, `app_name` varchar(140) DEFAULT NULL, " +
		"`user` varchar(140) DEFAULT NULL, `client_secret` varchar(140) DEFAULT NULL, " +
		"`skip_authorization` int(1) NOT NULL DEFAULT 0, `scopes` text DEFAULT 'all openid', " +
		"`redirect_uris` text DEFAULT NULL, `default_redirect_uri` varchar(140) DEFAULT NULL, " +
		"`grant_type` varchar(140) DEFAULT NULL, `response_type` varchar(140) DEFAULT 'Code', "
	if v16 {
		client += "`token_endpoint_auth_method` varchar(140) DEFAULT 'Client Secret Basic', " +
			"`client_uri` varchar(140) DEFAULT NULL, `logo_uri` varchar(140) DEFAULT NULL, "
	}
	stmts := []string{
		"CREATE TABLE `tabUser` (" + frappeDoc + "`enabled` int(1) NOT NULL DEFAULT 1, `email` varchar(140) DEFAULT NULL, " +
			"`first_name` varchar(140) DEFAULT NULL, `middle_name` varchar(140) DEFAULT NULL, " +
			"`last_name` varchar(140) DEFAULT NULL, `full_name` varchar(140) DEFAULT NULL, " +
			"`username` varchar(140) DEFAULT NULL, `user_type` varchar(140) DEFAULT 'System User'," + frappeTable,
		"CREATE TABLE `__Auth` (`doctype` varchar(140) NOT NULL, `name` varchar(255) NOT NULL, " +
			"`fieldname` varchar(140) NOT NULL, `password` text NOT NULL, `encrypted` int(1) NOT NULL DEFAULT 0, " +
			"PRIMARY KEY (`doctype`,`name`,`fieldname`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
		"CREATE TABLE `tabHas Role` (" + frappeDoc + frappeChild + "`role` varchar(140) DEFAULT NULL," + frappeTable,
		"CREATE TABLE `tabOAuth Client` (" + frappeDoc + client + frappeTable[1:],
		"CREATE TABLE `tabOAuth Bearer Token` (" + frappeDoc + "`client` varchar(140) DEFAULT NULL, " +
			"`user` varchar(140) DEFAULT NULL, `scopes` text DEFAULT NULL, `access_token` varchar(140) DEFAULT NULL, " +
			"`refresh_token` varchar(140) DEFAULT NULL, `expiration_time` datetime(6) DEFAULT NULL, " +
			"`expires_in` int(11) NOT NULL DEFAULT 0, `status` varchar(140) DEFAULT NULL," + frappeTable,
		"CREATE TABLE `tabSingles` (`doctype` varchar(255) DEFAULT NULL, `field` varchar(255) DEFAULT NULL, " +
			"`value` text DEFAULT NULL, KEY `singles_doctype_field_index` (`doctype`,`field`)) ENGINE=InnoDB",
	}
	if v16 {
		stmts = append(stmts, "CREATE TABLE `tabOAuth Client Role` ("+frappeDoc+frappeChild+"`role` varchar(140) DEFAULT NULL,"+frappeTable)
	}
	return stmts
}

// frappeSource creates a MariaDB database with a Frappe site's tables and returns its DSN
// and a handle. The database is dropped after the test.
func frappeSource(t testing.TB, v16 bool) (string, *sql.DB) {
	t.Helper()
	admin, err := sql.Open("mysql", mysqlAdminDSN)
	if err == nil {
		err = admin.Ping()
	}
	if err != nil {
		if os.Getenv("OAUTHD_REQUIRE_MYSQL") == "1" {
			t.Fatalf("MariaDB unreachable (OAUTHD_REQUIRE_MYSQL=1): %v", err)
		}
		t.Skipf("MariaDB unreachable: %v", err)
	}
	db, _ := createMySQLDatabase(t, admin, "oauthd_frappe_src_")
	for _, stmt := range frappeSchema(v16) {
		mustExec(t, db.SQL, stmt)
	}
	return db.DSN, db.SQL
}

// odooSource creates a PostgreSQL database with the tables of Odoo's users and of the REST
// API module, returning its DSN and a handle; dropped after the test.
func odooSource(t testing.TB) (string, *sql.DB) {
	t.Helper()
	admin := postgresAdmin(t)
	name := "oauthd_odoo_src_" + randomHex(6)
	mustExec(t, admin, "CREATE DATABASE "+name)
	dsn := strings.Replace(postgresDSN(), "/postgres", "/"+name, 1)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		admin.Close()
	})
	for _, stmt := range odooSchema {
		mustExec(t, db, stmt)
	}
	return dsn, db
}

// odooSchema: Odoo's ORM gives every table id serial, create/write uid and date columns;
// res_users.password holds passlib hashes (Odoo 12+), auth_auth and friends are the module's.
var odooSchema = []string{
	`CREATE TABLE res_partner (id serial PRIMARY KEY, name varchar, email varchar, active boolean,
		create_uid integer, create_date timestamp, write_uid integer, write_date timestamp)`,
	`CREATE TABLE res_users (id serial PRIMARY KEY, login varchar NOT NULL UNIQUE, password varchar,
		active boolean DEFAULT true, partner_id integer NOT NULL REFERENCES res_partner(id), company_id integer,
		share boolean, create_uid integer, create_date timestamp, write_uid integer, write_date timestamp)`,
	`CREATE TABLE auth_auth (id serial PRIMARY KEY, name varchar, consumer_key varchar UNIQUE,
		consumer_secret varchar, user_id integer NOT NULL REFERENCES res_users(id) ON DELETE CASCADE,
		active boolean DEFAULT true, refresh_token varchar, access_token varchar, access_token_secret varchar,
		create_uid integer, create_date timestamp, write_uid integer, write_date timestamp)`,
	`CREATE TABLE redirect_uri (id serial PRIMARY KEY, url varchar, auth_id integer REFERENCES auth_auth(id)
		ON DELETE CASCADE, create_uid integer, create_date timestamp, write_uid integer, write_date timestamp)`,
	`CREATE TABLE auth_access_token (id serial PRIMARY KEY, access_token varchar,
		access_token_validity timestamp without time zone, auth_id integer REFERENCES auth_auth(id)
		ON DELETE CASCADE, create_uid integer, create_date timestamp, write_uid integer, write_date timestamp)`,
}

// postgresDSN is the test server's admin connection (OAUTHD_TEST_POSTGRES_DSN overrides).
func postgresDSN() string {
	if dsn := os.Getenv("OAUTHD_TEST_POSTGRES_DSN"); dsn != "" {
		return dsn
	}
	return "postgres://oauthd_test:oauthd_test@127.0.0.1:5432/postgres?sslmode=disable"
}

// postgresAdmin connects to PostgreSQL, skipping the test when it is not there unless
// OAUTHD_REQUIRE_POSTGRES=1 or the run targets it (OAUTHD_TEST_DATABASE=postgres).
func postgresAdmin(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", postgresDSN())
	if err == nil {
		err = db.Ping()
	}
	if err != nil {
		if os.Getenv("OAUTHD_REQUIRE_POSTGRES") == "1" || usePostgres() {
			t.Fatalf("PostgreSQL unreachable (OAUTHD_REQUIRE_POSTGRES=1 or OAUTHD_TEST_DATABASE=postgres): %v", err)
		}
		t.Skipf("PostgreSQL unreachable: %v", err)
	}
	return db
}

func mustExec(t testing.TB, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%.80s: %v", query, err)
	}
}

// importSummary parses the summary table: kind → [imported, updated, unchanged, skipped].
func importSummary(t testing.TB, out []byte) map[string][4]int {
	t.Helper()
	got := map[string][4]int{}
	for _, line := range strings.Split(string(out), "\n") {
		var kind string
		var n [4]int
		if c, _ := fmt.Sscanf(line, "%s %d %d %d %d", &kind, &n[0], &n[1], &n[2], &n[3]); c == 5 {
			got[kind] = n
		}
	}
	if len(got) != 3 {
		t.Fatalf("no summary table in %q", out)
	}
	return got
}
