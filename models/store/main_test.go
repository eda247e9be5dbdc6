package store_test

import (
	"testing"

	"partnerconsole/models/store/storetest"
)

// TestMain starts the package's private PostgreSQL and migrates the
// template every test clones.
func TestMain(m *testing.M) { storetest.Main(m) }
