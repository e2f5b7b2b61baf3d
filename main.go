// Command oauthd is an OAuth 2.0 authorization server that speaks the Frappe and Odoo dialects
// over one core. Run `oauthd help` for the commands.
package main

import (
	"os"

	"oauthd/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
