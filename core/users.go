package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"oauthd/models"
)

// User paging bounds.
const (
	DefaultUserPage = 50
	MaxUserPage     = 500
)

// UserQuery asks for one page of users; Search matches part of the email or the name.
type UserQuery struct {
	Search        string
	Offset, Limit int // Limit 0: DefaultUserPage
}

// UserPage is one page of users and how many match in all.
type UserPage struct {
	Users []models.User
	Total int64
}

// Users lists users, oldest first.
func (e *Engine) Users(ctx context.Context, q UserQuery) (UserPage, error) {
	switch {
	case q.Offset < 0:
		return UserPage{}, invalid("offset must not be negative")
	case q.Limit < 0 || q.Limit > MaxUserPage:
		return UserPage{}, invalid("limit must be 1 to %d", MaxUserPage)
	case q.Limit == 0:
		q.Limit = DefaultUserPage
	}
	us, total, err := e.store.ListUsers(ctx, models.UserFilter{Search: strings.TrimSpace(q.Search),
		Offset: q.Offset, Limit: q.Limit})
	if err != nil {
		return UserPage{}, fmt.Errorf("list users: %w", err)
	}
	return UserPage{Users: us, Total: total}, nil
}

// User finds a user by email; unknown emails are ErrUnknown.
func (e *Engine) User(ctx context.Context, email string) (*models.User, error) {
	email = NormalizeEmail(email)
	u, err := e.store.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return nil, unknown("no user with email %q", email)
	case err != nil:
		return nil, fmt.Errorf("user %q: %w", email, err)
	}
	return u, nil
}

// UserChange is an update to a user; nil and empty fields are left alone. A new full name
// alone also sets the first and last names from it, and new first or last names alone also
// set the full name. Roles replaces the roles; AddRoles and RemoveRoles then edit them.
type UserChange struct {
	FullName    *string
	FirstName   *string
	LastName    *string
	Roles       *[]string
	AddRoles    []string
	RemoveRoles []string
}

// UpdateUser changes a user's names and roles, all validated before anything is written.
func (e *Engine) UpdateUser(ctx context.Context, email string, ch UserChange) (*models.User, error) {
	u, err := e.User(ctx, email)
	if err != nil {
		return nil, err
	}
	if ch.FullName == nil && ch.FirstName == nil && ch.LastName == nil && ch.Roles == nil &&
		len(ch.AddRoles) == 0 && len(ch.RemoveRoles) == 0 {
		return u, nil
	}
	var invalidChange error // kept apart: the store wraps what it returns
	err = e.store.UpdateUser(ctx, u.ID, func(cur *models.User) error {
		invalidChange = ch.apply(cur)
		u = cur
		return invalidChange
	})
	if invalidChange != nil {
		return nil, invalidChange
	}
	if err != nil {
		return nil, fmt.Errorf("update user %q: %w", email, err)
	}
	e.invalidateUser(ctx, u.ID) // cached bearer checks carry the names and roles
	return u, nil
}

// apply validates a change and makes it to u; nothing changes unless all of it is valid.
func (ch UserChange) apply(u *models.User) error {
	full, first, last := u.FullName, u.FirstName, u.LastName
	if ch.FullName != nil || ch.FirstName != nil || ch.LastName != nil {
		full, first, last = renamed(u, ch)
		if err := validNames(full, first, last); err != nil {
			return err
		}
	}
	roles := u.Roles
	if ch.Roles != nil || len(ch.AddRoles) > 0 || len(ch.RemoveRoles) > 0 {
		var err error
		if roles, err = editRoles(u.Roles, ch); err != nil {
			return err
		}
	}
	u.FullName, u.FirstName, u.LastName, u.Roles = full, first, last, roles
	return nil
}

// renamed applies the name fields of a change with the same defaults as CreateUser.
func renamed(u *models.User, ch UserChange) (full, first, last string) {
	if ch.FirstName == nil && ch.LastName == nil {
		return userNames(u.Email, *ch.FullName, "", "")
	}
	first, last = u.FirstName, u.LastName
	set(&first, ch.FirstName)
	set(&last, ch.LastName)
	set(&full, ch.FullName)
	return userNames(u.Email, full, first, last)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// editRoles applies a change to roles and returns them, validated and without repeats.
func editRoles(roles []string, ch UserChange) ([]string, error) {
	if ch.Roles != nil {
		roles = slices.Clone(*ch.Roles)
	}
	roles = append(roles, ch.AddRoles...)
	for _, r := range append(slices.Clone(roles), ch.RemoveRoles...) {
		if err := validRole(r); err != nil {
			return nil, err
		}
	}
	out := []string{}
	for _, r := range roles {
		if !slices.Contains(out, r) && !slices.Contains(ch.RemoveRoles, r) {
			out = append(out, r)
		}
	}
	if len(strings.Join(out, ",")) > maxRolesLength {
		return nil, invalid("roles are too long (at most %d bytes in all, as Frappe writes them)", maxRolesLength)
	}
	return out, nil
}

// maxRolesLength bounds a user's roles, written as Frappe lists them (comma-separated).
const maxRolesLength = 1024

func validRole(r string) error {
	if r == "" || r != strings.TrimSpace(r) || strings.ContainsAny(r, ",\r\n\t\x00") || len(r) > 140 ||
		!utf8.ValidString(r) {
		return invalid("invalid role %q: 1 to 140 characters, no commas or surrounding spaces", r)
	}
	return nil
}

// validNames checks names as stored: the full name is required, the others may be empty.
func validNames(full, first, last string) error {
	if full == "" || len(full) > 255 || len(first) > 140 || len(last) > 140 {
		return invalid("names must be at most 255 (full, required) and 140 (first, last) bytes long")
	}
	for _, n := range []string{full, first, last} {
		if !utf8.ValidString(n) || strings.ContainsAny(n, "\r\n\x00") {
			return invalid("names must be valid UTF-8 on one line")
		}
	}
	return nil
}

func validPassword(p string) error {
	if len(p) < 8 || len(p) > 72 {
		return invalid("password must be 8 to 72 bytes long (bcrypt reads at most 72)")
	}
	return nil
}

// DisableUser stops a user from logging in and ends everything they hold: tokens are revoked,
// sessions and unused codes deleted.
func (e *Engine) DisableUser(ctx context.Context, email string) (*models.User, error) {
	u, err := e.setEnabled(ctx, email, false)
	if err != nil {
		return nil, err
	}
	return u, e.cutOff(ctx, u)
}

// EnableUser lets a disabled user log in again; what disabling revoked stays revoked.
func (e *Engine) EnableUser(ctx context.Context, email string) (*models.User, error) {
	return e.setEnabled(ctx, email, true)
}

func (e *Engine) setEnabled(ctx context.Context, email string, enabled bool) (*models.User, error) {
	u, err := e.User(ctx, email)
	if err != nil {
		return nil, err
	}
	err = e.store.UpdateUser(ctx, u.ID, func(cur *models.User) error {
		cur.Enabled, u = enabled, cur
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set user %q enabled=%v: %w", email, enabled, err)
	}
	return u, nil
}

// SetPassword replaces a user's password. Sessions and tokens are ended too: a password is
// reset because it may be known to someone else.
func (e *Engine) SetPassword(ctx context.Context, email, password string) (*models.User, error) {
	if err := validPassword(password); err != nil {
		return nil, err
	}
	u, err := e.User(ctx, email)
	if err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), e.opt.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	err = e.store.UpdateUser(ctx, u.ID, func(cur *models.User) error {
		cur.PasswordHash, u = string(hash), cur
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set password of %q: %w", email, err)
	}
	return u, e.cutOff(ctx, u)
}

// RevokeUserTokens revokes every token of a user and ends their sessions, leaving the account
// as it is.
func (e *Engine) RevokeUserTokens(ctx context.Context, email string) (*models.User, error) {
	u, err := e.User(ctx, email)
	if err != nil {
		return nil, err
	}
	return u, e.cutOff(ctx, u)
}

// RemoveUser deletes a user with everything of theirs: tokens, codes, consents and sessions.
// Clients the user owned stay, without an owner.
func (e *Engine) RemoveUser(ctx context.Context, email string) (*models.User, error) {
	u, err := e.User(ctx, email)
	if err != nil {
		return nil, err
	}
	err = e.store.DeleteUser(ctx, u.ID)
	e.invalidateUser(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("remove user %q: %w", u.Email, err)
	}
	return u, nil
}

func (e *Engine) cutOff(ctx context.Context, u *models.User) error {
	err := e.store.CutOffUser(ctx, u.ID, e.now().Unix())
	e.invalidateUser(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("revoke tokens of %q: %w", u.Email, err)
	}
	return nil
}

// invalidateUser is the one place a user change reaches the bearer caches: through issue 14's
// revocation path, this instance forgets the user's tokens at once and the others through the
// feed (or Redis).
func (e *Engine) invalidateUser(ctx context.Context, userID uint) { e.revokedUser(ctx, userID) }

// EnsurePassword sets a user's password unless it is already that one, so that applying the
// same static configuration again ends no session. It reports whether it changed anything.
func (e *Engine) EnsurePassword(ctx context.Context, email, password string) (bool, error) {
	u, err := e.User(ctx, email)
	if err != nil {
		return false, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil {
		return false, nil
	}
	_, err = e.SetPassword(ctx, email, password)
	return err == nil, err
}
