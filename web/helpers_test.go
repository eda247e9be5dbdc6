package web_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"gorm.io/gorm"

	"partnerconsole/web/webtest"
)

// dbFingerprint digests every row of every application table, so a test can
// tell that a request changed nothing at all.
func dbFingerprint(t testing.TB, db *gorm.DB) map[string]string {
	t.Helper()
	var tables []string
	if err := db.Raw(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version' ORDER BY tablename`).
		Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(tables))
	for _, tb := range tables {
		var digest string
		q := `SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM "` + tb + `" t`
		if err := db.Raw(q).Scan(&digest).Error; err != nil {
			t.Fatalf("fingerprint %s: %v", tb, err)
		}
		out[tb] = digest
	}
	return out
}

// changedTables lists the tables whose digest differs.
func changedTables(before, after map[string]string) []string {
	var out []string
	for k, v := range after {
		if before[k] != v {
			out = append(out, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// countRows counts a table's rows.
func countRows(t testing.TB, db *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// cookieOf returns a cookie set by a response, nil when none.
func cookieOf(r webtest.Response, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// toSignIn tells whether a response sends the browser to the sign-in page.
func toSignIn(r webtest.Response) bool {
	return r.Status == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/sign-in")
}

// newMatrixEnv starts a server with the records every matrix row refers to.
func newMatrixEnv(t *testing.T) *matrixEnv {
	t.Helper()
	m := &matrixEnv{Server: webtest.Start(t), ids: map[string]int64{}}
	for _, setup := range matrixSetups {
		setup(t, m)
	}
	return m
}

// servedRows are the matrix rows of routes the server registers, rows that
// end the session last.
func servedRows(m *matrixEnv) []matrixRow {
	served := map[string]bool{}
	for _, rt := range m.Echo.Routes() {
		served[rt.Method+" "+rt.Path] = true
	}
	var out []matrixRow
	for _, r := range matrix {
		if served[r.Method+" "+r.Path] {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return !out[i].Last && out[j].Last })
	return out
}

// firstAllowed is the first fixture user (in key order) a row allows.
func firstAllowed(m *matrixEnv, r matrixRow) string {
	keys := make([]string, 0, len(m.Users))
	for k := range m.Users {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if r.allowed(k) {
			return k
		}
	}
	return ""
}
