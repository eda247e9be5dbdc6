package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"partnerconsole/models/store/storetest"
)

// seed-demo writes the demo's generated software files into the bits
// bucket (file:// under DATA_DIR); rotate-keys re-encrypts the demo's
// product keys and second-factor seeds under a new ENCRYPTION_KEY and says
// what it could not.
func TestSoftwareCommands(t *testing.T) {
	db := storetest.New(t)
	dir := t.TempDir()
	vars := map[string]string{"DATABASE_URL": db.URL, "MIGRATE_DATABASE_URL": db.OwnerURL, "DATA_DIR": dir}
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"seed-demo"}, env(vars), &out); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "software", "sw-office-ltsc-2024-*.iso"))
	if len(files) != 6 || !strings.Contains(out.String(), "demo software files") {
		t.Fatalf("demo bits: %d files of Office LTSC 2024 (want 3 languages × 2 bitnesses); %s", len(files), out.String())
	}
	if b, err := os.ReadFile(files[0]); err != nil || len(b) != 64<<10 || !bytes.HasPrefix(b, []byte("Partner Console demo bits")) {
		t.Fatalf("a demo file: %d bytes, %v", len(b), err)
	}

	local := sha256.Sum256([]byte("partner-console local encryption key")) // the local mode's key the demo was sealed under
	fresh := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	out.Reset()
	vars["ENCRYPTION_KEY"] = fresh
	if err := run(ctx, []string{"rotate-keys"}, env(vars), &out); err == nil || !strings.Contains(err.Error(), "ENCRYPTION_KEY_PREVIOUS") {
		t.Fatalf("rotate-keys without the previous key: %v", err)
	}
	vars["ENCRYPTION_KEY_PREVIOUS"] = base64.StdEncoding.EncodeToString(local[:])
	if err := run(ctx, []string{"rotate-keys"}, env(vars), &out); err != nil || !strings.Contains(out.String(), "re-encrypted 2 software keys") {
		t.Fatalf("rotate-keys: %v %s", err, out.String())
	}
	var ids []string
	db.Gorm.Raw("SELECT DISTINCT key_id FROM software_order_lines").Scan(&ids)
	if len(ids) != 1 {
		t.Fatalf("key ids after rotation: %v", ids)
	}
	out.Reset()
	if err := run(ctx, []string{"rotate-keys"}, env(vars), &out); err != nil || !strings.Contains(out.String(), "re-encrypted 0 software keys, 0 Office 365 key cards and 0 second-factor seeds") {
		t.Fatalf("second rotate-keys: %v %s", err, out.String())
	}
	// A key sealed under a key nobody names is reported, not lost silently.
	vars["ENCRYPTION_KEY"] = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))
	vars["ENCRYPTION_KEY_PREVIOUS"] = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{8}, 32))
	if err := run(ctx, []string{"rotate-keys"}, env(vars), &out); err == nil || !strings.Contains(err.Error(), "2 software keys") {
		t.Fatalf("rotate-keys with the wrong previous key: %v", err)
	}
}
