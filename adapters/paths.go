package adapters

// Paths of the dialect-neutral endpoints (adapters/standard), which the dialects' discovery
// documents point at.
const (
	JWKSPath             = "/.well-known/jwks.json"
	ResourceMetadataPath = "/.well-known/oauth-protected-resource"
	RegisterPath         = "/oauth2/register"
	// FrappeRegisterPath is where current Frappe serves registration; the discovery documents
	// list this one.
	FrappeRegisterPath = "/api/method/frappe.integrations.oauth2.register_client"
	EndSessionPath     = "/oauth2/end_session"
	// HomePath is the landing page: who is signed in, and the apps they let in.
	HomePath = "/"
)
