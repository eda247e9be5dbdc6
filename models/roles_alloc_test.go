package models

import "testing"

// Can runs on every request: its permission tables are switches over
// literal lists, not package maps, and must not allocate.
func TestCanAllocatesNothing(t *testing.T) {
	a := Actor{Role: RoleSupportEngineer}
	if n := testing.AllocsPerRun(100, func() { a.Can(PermIssueCredit); a.Can(PermTokens) }); n != 0 {
		t.Errorf("Can allocates %.0f times per call", n)
	}
}
