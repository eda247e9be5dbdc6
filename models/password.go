package models

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters (RFC 9106 second recommendation, memory-constrained).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword compares a password with a PHC argon2id hash in constant time.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// DummyPasswordHash is checked against when an email is unknown, so a failed
// sign-in takes the same time whether or not the account exists. It is a
// constant hash made once with HashPassword's parameters (a test keeps them
// equal), so no program pays an argon2 hash at load and nothing is cached.
func DummyPasswordHash() string { return dummyPasswordHash }

const dummyPasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$f44daYCPvqH02Y694DRTiw$6ZmsONIksfQoxM5sSdHXSbxFSkkGtqGP30dp/WxVZEo"

// ValidatePassword checks the length rule for a new password.
func ValidatePassword(pw string) string {
	n := utf8.RuneCountInString(pw)
	if n < 12 {
		return "Use at least 12 characters."
	}
	if n > 200 {
		return "Use at most 200 characters."
	}
	return ""
}
