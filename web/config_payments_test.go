package web_test

import (
	"strings"
	"testing"

	"partnerconsole/web"
)

// Production names its payment processor and refuses an unknown one; local
// mode uses the built-in test processor.
func TestPaymentProcessorConfig(t *testing.T) {
	prod := map[string]string{"APP_ENV": "production", "SESSION_KEY": strings.Repeat("s", 32),
		"ENCRYPTION_KEY": strings.Repeat("e", 32), "DATABASE_URL": "postgres://x/y"}
	get := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if _, err := web.ConfigFromEnv(get(prod)); err == nil || !strings.Contains(err.Error(), "PAYMENT_PROCESSOR") {
		t.Fatalf("production without a processor: %v", err)
	}
	prod["PAYMENT_PROCESSOR"] = "acme"
	if _, err := web.ConfigFromEnv(get(prod)); err == nil || !strings.Contains(err.Error(), "acme") {
		t.Fatalf("production with an unknown processor: %v", err)
	}
	prod["PAYMENT_PROCESSOR"] = "test"
	if c, err := web.ConfigFromEnv(get(prod)); err != nil || c.PaymentProcessor != "test" {
		t.Fatalf("production with the test processor: %v", err)
	}
	if c, err := web.ConfigFromEnv(get(map[string]string{})); err != nil || c.PaymentProcessor != "test" {
		t.Fatalf("local default: %+v %v", c.PaymentProcessor, err)
	}
}
