package models_test

import (
	"regexp"
	"strings"
	"testing"

	"partnerconsole/models"
)

var phcArgon2id = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashPassword(t *testing.T) {
	const pw = "correct horse battery staple"
	h1, err := models.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := models.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{h1, h2} {
		if !phcArgon2id.MatchString(h) {
			t.Errorf("hash %q is not an argon2id PHC string", h)
		}
		if strings.Contains(h, pw) {
			t.Errorf("hash holds the password")
		}
	}
	if h1 == h2 {
		t.Error("two hashes of one password must differ by their salt")
	}
	cases := []struct {
		hash, pw string
		want     bool
	}{
		{h1, pw, true},
		{h2, pw, true},
		{h1, pw + " ", false},
		{h1, "Correct horse battery staple", false},
		{h1, "", false},
		{"", pw, false},
		{"plain text", pw, false},
		{strings.Replace(h1, "argon2id", "argon2i", 1), pw, false},
		{strings.Replace(h1, "m=19456", "m=x", 1), pw, false},
		{h1[:len(h1)-4] + "AAAA", pw, false}, // tampered key
		{h1 + "$extra", pw, false},
		{h1[:strings.LastIndex(h1, "$")] + "$!!!", pw, false}, // key not base64
	}
	for i, c := range cases {
		if got := models.CheckPassword(c.hash, c.pw); got != c.want {
			t.Errorf("case %d: CheckPassword = %v, want %v", i, got, c.want)
		}
	}
	// Unicode passwords are hashed byte for byte.
	hu, _ := models.HashPassword("mot de passe très sûr")
	if !models.CheckPassword(hu, "mot de passe très sûr") || models.CheckPassword(hu, "mot de passe tres sur") {
		t.Error("unicode password check")
	}
	// The dummy hash for unknown emails is a real hash.
	if !phcArgon2id.MatchString(models.DummyPasswordHash()) || !models.CheckPassword(models.DummyPasswordHash(), "dummy password for timing") {
		t.Error("DummyPasswordHash is not a usable argon2id hash")
	}
	// It costs what a real check costs: the same parameters as a new hash.
	params := func(h string) string { return strings.Join(strings.Split(h, "$")[1:4], "$") }
	if fresh, _ := models.HashPassword("x"); params(fresh) != params(models.DummyPasswordHash()) {
		t.Errorf("DummyPasswordHash has %s, HashPassword makes %s: make a new dummy hash", params(models.DummyPasswordHash()), params(fresh))
	}
}
