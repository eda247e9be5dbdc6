package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// Secrets at rest (DESIGN §4): AES-256-GCM under ENCRYPTION_KEY. A sealed
// value is nonce || ciphertext+tag. The additional data names what the
// secret belongs to ("totp:user:42"), so a sealed value copied onto another
// row does not open.

func errNoSecretKey() error { return errors.New("no encryption key configured (ENCRYPTION_KEY)") }

func (s *Store) aead() (cipher.AEAD, error) {
	if len(s.SecretKey) != 32 {
		return nil, errNoSecretKey()
	}
	block, err := aes.NewCipher(s.SecretKey)
	if err != nil {
		return nil, fmt.Errorf("encryption key: %w", err)
	}
	return cipher.NewGCM(block)
}

// Seal encrypts a secret for storage, bound to what it belongs to.
func (s *Store) Seal(plain []byte, boundTo string) ([]byte, error) {
	g, err := s.aead()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return g.Seal(nonce, nonce, plain, []byte(boundTo)), nil
}

// Open decrypts a sealed secret; it fails on a wrong key, a tampered value
// or a value sealed for something else.
func (s *Store) Open(sealed []byte, boundTo string) ([]byte, error) {
	g, err := s.aead()
	if err != nil {
		return nil, err
	}
	if len(sealed) < g.NonceSize()+g.Overhead() {
		return nil, errors.New("open sealed secret: too short")
	}
	plain, err := g.Open(nil, sealed[:g.NonceSize()], sealed[g.NonceSize():], []byte(boundTo))
	if err != nil {
		return nil, fmt.Errorf("open sealed secret %s: %w", boundTo, err)
	}
	return plain, nil
}
