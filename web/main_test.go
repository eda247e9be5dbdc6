package web_test

import (
	"testing"

	"partnerconsole/models/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }
