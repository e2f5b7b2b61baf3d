package compat

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Password hash schemes read from Frappe's and Odoo's databases (passlib's formats).
const (
	SchemeBcrypt       = "bcrypt"
	SchemePBKDF2SHA256 = "pbkdf2-sha256"
	SchemePBKDF2SHA512 = "pbkdf2-sha512"
	SchemeArgon2id     = "argon2id"
	SchemeArgon2i      = "argon2i"
)

// Cost bounds: a hash whose parameters would take more than about a second to check on one
// core (BenchmarkPasswordHashBounds; figures in docs/compatibility.md, Moving from Frappe) is refused rather than computed, so that an
// imported row cannot turn the login into a CPU or memory sink.
const (
	MaxPBKDF2SHA256Rounds = 2_000_000
	MaxPBKDF2SHA512Rounds = 1_000_000
	MaxArgon2Memory       = 128 * 1024 // KiB
	MaxArgon2Work         = 512 * 1024 // passes × memory, KiB
	MaxArgon2Threads      = 16
	MaxBcryptCost         = 14 // raised to oauthd's own cost when that is higher (ParsePasswordHash)
)

var (
	// ErrUnknownScheme marks a hash oauthd cannot read (another scheme, or a malformed one).
	ErrUnknownScheme = errors.New("unknown password hash scheme")
	// ErrTooCostly marks a hash whose parameters exceed the cost bounds above.
	ErrTooCostly = errors.New("password hash too costly to verify")
)

// PasswordHash is a parsed password hash, ready to verify passwords against.
type PasswordHash struct {
	scheme string
	check  func(password []byte) bool
}

// Scheme names the hash's scheme (one of the Scheme constants).
func (h *PasswordHash) Scheme() string { return h.scheme }

// Verify reports whether password matches, comparing in constant time.
func (h *PasswordHash) Verify(password string) bool { return h.check([]byte(password)) }

// ParsePasswordHash reads a bcrypt hash or one of passlib's pbkdf2-sha256, pbkdf2-sha512 and
// argon2 formats, refusing unknown or malformed ones (ErrUnknownScheme) and ones beyond the
// cost bounds (ErrTooCostly) without computing anything. Bcrypt costs up to
// max(MaxBcryptCost, ownCost) pass, so oauthd's own hashes always do.
func ParsePasswordHash(s string, ownCost int) (*PasswordHash, error) {
	switch {
	case strings.HasPrefix(s, "$2a$"), strings.HasPrefix(s, "$2b$"), strings.HasPrefix(s, "$2y$"):
		return parseBcrypt(s, max(MaxBcryptCost, ownCost))
	case strings.HasPrefix(s, "$pbkdf2-sha256$"):
		return parsePBKDF2(s, SchemePBKDF2SHA256, sha256.New, sha256.Size, MaxPBKDF2SHA256Rounds)
	case strings.HasPrefix(s, "$pbkdf2-sha512$"):
		return parsePBKDF2(s, SchemePBKDF2SHA512, sha512.New, sha512.Size, MaxPBKDF2SHA512Rounds)
	case strings.HasPrefix(s, "$argon2id$"), strings.HasPrefix(s, "$argon2i$"):
		return parseArgon2(s)
	}
	return nil, ErrUnknownScheme
}

func parseBcrypt(s string, maxCost int) (*PasswordHash, error) {
	cost, err := bcrypt.Cost([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("%w: bcrypt: %v", ErrUnknownScheme, err)
	}
	if cost > maxCost {
		return nil, fmt.Errorf("%w: bcrypt cost %d > %d", ErrTooCostly, cost, maxCost)
	}
	return &PasswordHash{scheme: SchemeBcrypt, check: func(pw []byte) bool {
		return bcrypt.CompareHashAndPassword([]byte(s), pw) == nil
	}}, nil
}

// parsePBKDF2 reads passlib's "$pbkdf2-<digest>$<rounds>$<salt>$<checksum>", salt and checksum
// in passlib's adapted base64 (standard alphabet, '.' for '+', no padding).
func parsePBKDF2(s, scheme string, h func() hash.Hash, size, maxRounds int) (*PasswordHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 5 {
		return nil, fmt.Errorf("%w: %s: want 4 fields", ErrUnknownScheme, scheme)
	}
	rounds, err := strconv.Atoi(parts[2])
	salt, err2 := ab64(parts[3])
	sum, err3 := ab64(parts[4])
	if err != nil || err2 != nil || err3 != nil || rounds < 1 || len(sum) != size {
		return nil, fmt.Errorf("%w: %s: malformed", ErrUnknownScheme, scheme)
	}
	if rounds > maxRounds {
		return nil, fmt.Errorf("%w: %s rounds %d > %d", ErrTooCostly, scheme, rounds, maxRounds)
	}
	return &PasswordHash{scheme: scheme, check: func(pw []byte) bool {
		got, err := pbkdf2.Key(h, string(pw), salt, rounds, size)
		return err == nil && subtle.ConstantTimeCompare(got, sum) == 1
	}}, nil
}

// ab64 decodes passlib's adapted base64.
func ab64(s string) ([]byte, error) {
	return base64.RawStdEncoding.Strict().DecodeString(strings.ReplaceAll(s, ".", "+"))
}

// parseArgon2 reads "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>" (and argon2i),
// salt and hash in unpadded standard base64. Only version 19 (0x13) exists in x/crypto.
func parseArgon2(s string) (*PasswordHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[2] != "v=19" {
		return nil, fmt.Errorf("%w: argon2: want version 19 and 5 fields", ErrUnknownScheme)
	}
	var m, t uint32
	var p uint8
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || n != 3 ||
		fmt.Sprintf("m=%d,t=%d,p=%d", m, t, p) != parts[3] || t < 1 || p < 1 {
		return nil, fmt.Errorf("%w: argon2: malformed parameters", ErrUnknownScheme)
	}
	salt, err := base64.RawStdEncoding.Strict().DecodeString(parts[4])
	sum, err2 := base64.RawStdEncoding.Strict().DecodeString(parts[5])
	if err != nil || err2 != nil || len(sum) < 4 {
		return nil, fmt.Errorf("%w: argon2: malformed", ErrUnknownScheme)
	}
	if m > MaxArgon2Memory || uint64(m)*uint64(t) > MaxArgon2Work || p > MaxArgon2Threads {
		return nil, fmt.Errorf("%w: argon2 m=%d,t=%d,p=%d", ErrTooCostly, m, t, p)
	}
	scheme, key := SchemeArgon2id, argon2.IDKey
	if parts[1] == "argon2i" {
		scheme, key = SchemeArgon2i, argon2.Key
	}
	return &PasswordHash{scheme: scheme, check: func(pw []byte) bool {
		return subtle.ConstantTimeCompare(key(pw, salt, t, m, p, uint32(len(sum))), sum) == 1
	}}, nil
}
