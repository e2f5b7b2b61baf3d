package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"oauthd/models"
)

// ClientDocuments fetches client ID metadata documents (draft-ietf-oauth-client-id-metadata-
// document): the document at an https client_id, as bytes, from a cache while fresh. The
// fetch is the implementation's to make safe (see package cimd).
type ClientDocuments interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// AcceptsClientDocuments reports whether an https URL may serve as a client_id (cimd.enabled).
func (e *Engine) AcceptsClientDocuments() bool { return e.opt.Documents != nil }

// errUnknownClientID answers an authorization request whose client is not known.
var errUnknownClientID = fail(ErrInvalidRequest, ReasonClientUnknown, "Invalid client_id parameter value.")

// authorizeClient finds the client of an authorization request: a registered one, or, with
// client ID metadata documents on, the one its https client_id's document describes (read
// again whenever the cached copy expired, whether or not a user approved it before). A
// registered client keeps its id even when that id is a URL.
func (e *Engine) authorizeClient(ctx context.Context, id string) (*models.Client, *Error) {
	c, err := e.store.ClientByID(ctx, id)
	switch {
	case err == nil && !c.MetadataDocument:
		return c, nil
	case err != nil && !errors.Is(err, models.ErrNotFound):
		return nil, unavailable(err)
	case e.opt.Documents == nil || !looksLikeURL(id):
		return nil, errUnknownClientID
	}
	return e.documentClient(ctx, id)
}

// looksLikeURL tells a client_id meant as a document's URL from an ordinary one.
func looksLikeURL(id string) bool {
	lower := strings.ToLower(id)
	return strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://")
}

func documentError(format string, args ...any) *Error {
	return fail(ErrInvalidClient, ReasonClientDocument, fmt.Sprintf(format, args...))
}

// documentClient is the client an https client_id's metadata document describes, as a row
// not yet stored (see saveDocumentClient). The document must name its own URL as client_id;
// it is held to the rules of registration, and the client is public: a document cannot carry
// a secret, and private_key_jwt is not supported.
func (e *Engine) documentClient(ctx context.Context, id string) (*models.Client, *Error) {
	if err := checkDocumentURL(id); err != nil {
		return nil, err
	}
	raw, err := e.opt.Documents.Fetch(ctx, id)
	if err != nil {
		return nil, documentError("The client's metadata document could not be fetched: %s.", err)
	}
	nc, derr := documentMetadata(id, raw)
	if derr != nil {
		return nil, derr
	}
	c, err := e.ClientRow(nc, "")
	if err != nil {
		return nil, documentError("The client's metadata document: %s.", Message(err))
	}
	return c, nil
}

// checkDocumentURL holds a client_id to the draft's form (§3): https, a host, a path, no user
// info, fragment or dot segments; and to what the store can hold.
func checkDocumentURL(id string) *Error {
	u, err := url.Parse(id)
	switch {
	case len(id) > MaxClientIDLength:
		return documentError("The client_id URL is %d characters long; this server stores client ids of up to %d.",
			len(id), MaxClientIDLength)
	case err != nil || u.Host == "":
		return documentError("The client_id is not a URL whose metadata document can be fetched.")
	case u.Scheme != "https":
		return documentError("Client ID metadata documents are fetched over https only.")
	case u.User != nil || u.Fragment != "" || strings.Contains(id, "#"):
		return documentError("A client_id URL has no user info and no fragment.")
	case u.Path == "" || u.Path == "/":
		return documentError("A client_id URL has a path naming its document.")
	case slices.ContainsFunc(strings.Split(u.Path, "/"), func(s string) bool { return s == "." || s == ".." }):
		return documentError("A client_id URL has no . or .. path segments.")
	}
	return nil
}

// documentMetadata reads a metadata document into the client it describes.
func documentMetadata(id string, raw []byte) (NewClient, *Error) {
	var doc struct {
		ClientID string `json:"client_id"`
		ClientMetadata
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return NewClient{}, documentError("The client's metadata document is not a JSON object of client metadata.")
	}
	if doc.ClientID != id {
		return NewClient{}, documentError("The metadata document's client_id %q is not its own URL.", doc.ClientID)
	}
	md := doc.ClientMetadata
	if md.TokenEndpointAuthMethod == "" {
		md.TokenEndpointAuthMethod = AuthNone
	}
	if md.TokenEndpointAuthMethod != AuthNone {
		return NewClient{}, documentError("The metadata document declares token_endpoint_auth_method %q; a client "+
			"known by its document is public here (none): a document carries no secret.", md.TokenEndpointAuthMethod)
	}
	if strings.TrimSpace(md.ClientName) == "" {
		md.ClientName = hostOf(id)
	}
	if err := normaliseMetadata(&md); err != nil {
		return NewClient{}, documentError("The client's metadata document: %s", err.Description)
	}
	if err := checkRedirects(md); err != nil {
		return NewClient{}, documentError("The client's metadata document: %s", err.Description)
	}
	return NewClient{ID: id, Name: md.ClientName, RedirectURIs: md.RedirectURIs, Scopes: ParseScope(md.Scope),
		AuthMethods: []string{AuthNone}, GrantTypes: md.GrantTypes,
		PostLogoutRedirectURIs: md.PostLogoutRedirectURIs, ApplicationType: md.ApplicationType, Info: md.info(),
		MetadataDocument: true}, nil
}

// DocumentHost is the host a client known by its metadata document is published at, which
// the consent page shows beside its self-chosen name; "" for any other client.
func DocumentHost(c *models.Client) string {
	if !c.MetadataDocument {
		return ""
	}
	return hostOf(c.ID)
}

func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// saveDocumentClient keeps the row of a client known by its metadata document as the document
// last said. The row is made when a user first approves the client, so that its codes, tokens
// and consents refer to it and listing, revocation and removal reach them; a document nobody
// approved leaves nothing behind.
func (e *Engine) saveDocumentClient(ctx context.Context, c *models.Client) error {
	row, err := e.store.ClientByID(ctx, c.ID)
	if errors.Is(err, models.ErrNotFound) {
		err = e.store.CreateClient(ctx, c)
		if !errors.Is(err, models.ErrConflict) { // a conflict: created meanwhile by another approval
			return stored(err)
		}
		row, err = e.store.ClientByID(ctx, c.ID)
	}
	if err != nil {
		return unavailable(err)
	}
	if !row.MetadataDocument {
		return documentError("The client_id is now a registered client's.")
	}
	if sameDocument(c, row) {
		return nil
	}
	return stored(e.store.UpdateClient(ctx, c.ID, func(cur *models.Client) error {
		copyDocument(cur, c)
		return nil
	}))
}

// copyDocument sets on dst what a metadata document decides, as src has it.
func copyDocument(dst, src *models.Client) {
	dst.Name, dst.RedirectURIs, dst.DefaultRedirectURI = src.Name, src.RedirectURIs, src.DefaultRedirectURI
	dst.Scopes, dst.GrantTypes, dst.PostLogoutRedirectURIs = src.Scopes, src.GrantTypes, src.PostLogoutRedirectURIs
	dst.ClientURI, dst.LogoURI, dst.TOSURI, dst.PolicyURI = src.ClientURI, src.LogoURI, src.TOSURI, src.PolicyURI
	dst.Contacts, dst.ApplicationType = src.Contacts, src.ApplicationType
}

// sameDocument reports whether a and b agree on everything a metadata document decides.
func sameDocument(a, b *models.Client) bool {
	lists := [][2][]string{{a.RedirectURIs, b.RedirectURIs}, {a.Scopes, b.Scopes}, {a.GrantTypes, b.GrantTypes},
		{a.PostLogoutRedirectURIs, b.PostLogoutRedirectURIs}, {a.Contacts, b.Contacts}}
	for _, l := range lists {
		if !slices.Equal(l[0], l[1]) {
			return false
		}
	}
	return a.Name == b.Name && a.DefaultRedirectURI == b.DefaultRedirectURI && a.ClientURI == b.ClientURI &&
		a.LogoURI == b.LogoURI && a.TOSURI == b.TOSURI && a.PolicyURI == b.PolicyURI &&
		a.ApplicationType == b.ApplicationType
}
