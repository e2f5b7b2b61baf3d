package compat

// MisspeltAuthorizationHeader is a header name we also read the bearer token
// from. Frappe's docs (seeds 000–002) print the misspelt "Authorizaton" in
// their examples and clients copy it verbatim, so rejecting it would break
// integrations that work against Frappe itself.
const MisspeltAuthorizationHeader = "Authorizaton"

// BearerToken extracts the token from `Bearer <token>` (RFC 6750 §2.1).
//
// The scheme is matched in any case and may be followed by one or more
// spaces; the token is trimmed. An empty token, or one that still contains
// whitespace or any other control character, gives ok=false: such a value
// is never a token we issued, and accepting `Bearer a b` would mean choosing
// which half to look up.
func BearerToken(value string) (token string, ok bool) {
	token, ok = cutScheme(value, "Bearer")
	if !ok || token == "" {
		return "", false
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; c <= ' ' || c == 0x7f {
			return "", false
		}
	}
	return token, true
}
