// Package web is the serving plumbing: the echo server, every route in one
// table, middleware, sessions and the error-to-page mapping.
package web

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"partnerconsole/models/payments"
)

// Config is read from the environment; defaults suit local use.
type Config struct {
	Addr        string // ADDR, default 127.0.0.1:8080
	DatabaseURL string // DATABASE_URL; empty starts a private PostgreSQL
	// MIGRATE_DATABASE_URL: the schema owner's connection, for migrations;
	// DATABASE_URL is then the app's login role. Empty: DATABASE_URL does both.
	MigrateDatabaseURL string
	DataDir            string // DATA_DIR, default ./.data
	Production         bool   // APP_ENV=production
	SessionKey         []byte // SESSION_KEY (32+ bytes, base64 or raw)
	SecretKey          []byte // ENCRYPTION_KEY (32 bytes, base64), AES-256-GCM for secrets at rest
	BaseURL            string // BASE_URL, used in emails
	SMTPURL            string // SMTP_URL, e.g. smtp://user:pass@host:587
	TrustProxy         bool   // TRUST_PROXY=1: take the client address from X-Forwarded-For set by our proxy
	MaxBody            string // MAX_BODY, default 12M
	DBMaxConns         int32  // DB_MAX_CONNS, default 20
	// PaymentProcessor is PAYMENT_PROCESSOR: "test" (the built-in test
	// mode) is the only one for now and the local default; production must
	// name it and refuses an unknown one.
	PaymentProcessor string
	// BlobURL is BLOB_URL: the bucket of the software bits (gocloud.dev/blob,
	// e.g. s3://bucket?region=eu-west-1); empty: DATA_DIR/software.
	BlobURL string
	// PreviousSecretKeys is ENCRYPTION_KEY_PREVIOUS (comma-separated): the
	// keys being replaced, read by the rotate-keys command.
	PreviousSecretKeys [][]byte
}

// ConfigFromEnv reads the configuration. Production refuses to start without
// its session and encryption keys.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:               def(getenv("ADDR"), "127.0.0.1:8080"),
		DatabaseURL:        getenv("DATABASE_URL"),
		MigrateDatabaseURL: getenv("MIGRATE_DATABASE_URL"),
		DataDir:            def(getenv("DATA_DIR"), ".data"),
		Production:         getenv("APP_ENV") == "production",
		BaseURL:            getenv("BASE_URL"),
		SMTPURL:            getenv("SMTP_URL"),
		TrustProxy:         getenv("TRUST_PROXY") == "1",
		MaxBody:            def(getenv("MAX_BODY"), "12M"),
		DBMaxConns:         20,

		PaymentProcessor: getenv("PAYMENT_PROCESSOR"),
		BlobURL:          getenv("BLOB_URL"),
	}
	if n, err := strconv.Atoi(getenv("DB_MAX_CONNS")); err == nil && n > 0 {
		c.DBMaxConns = int32(n)
	}
	var err error
	if c.SessionKey, err = key(getenv("SESSION_KEY"), 32); err != nil {
		return c, fmt.Errorf("SESSION_KEY: %w", err)
	}
	if c.SecretKey, err = key(getenv("ENCRYPTION_KEY"), 32); err != nil {
		return c, fmt.Errorf("ENCRYPTION_KEY: %w", err)
	}
	for _, v := range strings.Split(getenv("ENCRYPTION_KEY_PREVIOUS"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		k, err := key(v, 32)
		if err != nil {
			return c, fmt.Errorf("ENCRYPTION_KEY_PREVIOUS: %w", err)
		}
		c.PreviousSecretKeys = append(c.PreviousSecretKeys, k)
	}
	if c.Production {
		var missing []string
		if c.SessionKey == nil {
			missing = append(missing, "SESSION_KEY")
		}
		if c.SecretKey == nil {
			missing = append(missing, "ENCRYPTION_KEY")
		}
		if c.DatabaseURL == "" {
			missing = append(missing, "DATABASE_URL")
		}
		if c.PaymentProcessor == "" {
			missing = append(missing, "PAYMENT_PROCESSOR")
		}
		if len(missing) > 0 {
			return c, fmt.Errorf("production mode needs %s (see README, Configuration)", strings.Join(missing, ", "))
		}
	} else {
		// Local mode: fixed development keys derived from a constant, so a
		// restart keeps sessions; never used in production.
		if c.SessionKey == nil {
			k := sha256.Sum256([]byte("partner-console local session key"))
			c.SessionKey = k[:]
		}
		if c.SecretKey == nil {
			k := sha256.Sum256([]byte("partner-console local encryption key"))
			c.SecretKey = k[:]
		}
	}
	if c.PaymentProcessor == "" {
		c.PaymentProcessor = "test"
	}
	if _, err := payments.New(c.PaymentProcessor); err != nil {
		return c, fmt.Errorf("PAYMENT_PROCESSOR: %w", err)
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	return c, nil
}

func def(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func key(v string, n int) ([]byte, error) {
	if v == "" {
		return nil, nil
	}
	if b, err := base64.StdEncoding.DecodeString(v); err == nil && len(b) >= n {
		return b[:n], nil
	}
	if len(v) >= n {
		return []byte(v)[:n], nil
	}
	return nil, errors.New("must be at least 32 bytes (base64-encode 32 random bytes: openssl rand -base64 32)")
}
