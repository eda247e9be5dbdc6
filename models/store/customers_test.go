package store_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// walkCustomers follows Next from the first page to the last and returns
// every row id in order, failing on a loop.
func walkCustomers(t *testing.T, st *store.Store, a models.Actor, flt models.CustomerFilter) ([]int64, []models.Page[store.CustomerRow]) {
	t.Helper()
	var ids []int64
	var pages []models.Page[store.CustomerRow]
	cursor := ""
	for i := 0; ; i++ {
		if i > 100 {
			t.Fatalf("more than 100 pages for %+v: the cursor does not advance", flt)
		}
		page, err := st.ListCustomers(bg, a, flt, cursor)
		if err != nil {
			t.Fatalf("ListCustomers(%+v): %v", flt, err)
		}
		if len(page.Items) > models.PageSize {
			t.Fatalf("page of %d rows", len(page.Items))
		}
		if page.Next != "" && len(page.Items) != models.PageSize {
			t.Fatalf("a page with a next cursor holds %d rows, want %d", len(page.Items), models.PageSize)
		}
		for _, r := range page.Items {
			ids = append(ids, r.ID)
		}
		pages = append(pages, page)
		if cursor = page.Next; cursor == "" {
			return ids, pages
		}
	}
}

// TestCustomerKeysetPagingAcrossTies: many customers with the same name and
// the same creation time; walking every page returns every row exactly once,
// in the order the database gives for the whole list, for both sorts, with
// and without filters.
func TestCustomerKeysetPagingAcrossTies(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	st := f.Store
	a := f.Actor("A:super_admin")
	// The clock does not move: every customer below has the same created_at.
	type group struct {
		name    string
		country string
		n       int
	}
	groups := []group{
		{"Same Name", "FR", 73},
		{"same name", "DE", 31},       // differs only by case: sorts with the group above
		{"SAME NAME", "FR", 20},       //
		{"İstanbul Teknik", "FR", 57}, // a capital dotted I: the cursor's key must lower-case as PostgreSQL does
		{"Évora Conseil", "FR", 55},
		{"Zeta 100% _Labs_", "GB", 7},
		{"Ärzte Kollektiv", "DE", 53},
	}
	n := 0
	for _, g := range groups {
		for i := 0; i < g.n; i++ {
			n++
			_, err := st.CreateCustomer(bg, a, models.CustomerInput{Name: g.name, Domain: fmt.Sprintf("tie%04d.example", n), Country: g.country})
			if err != nil {
				t.Fatalf("create %s #%d: %v", g.name, i, err)
			}
		}
	}
	// Console B's customers must never appear, and give the filters something
	// to ignore.
	for i := 0; i < 60; i++ {
		if _, err := st.CreateCustomer(bg, f.Actor("B:super_admin"), models.CustomerInput{Name: "Same Name", Domain: fmt.Sprintf("b-tie%03d.example", i), Country: "FR"}); err != nil {
			t.Fatal(err)
		}
	}

	type tc struct {
		flt   models.CustomerFilter
		where string
		args  []any
	}
	cases := []tc{
		{models.CustomerFilter{}, "", nil},
		{models.CustomerFilter{Query: "same"}, "lower(name) LIKE '%same%' OR domain LIKE 'same%'", nil},
		{models.CustomerFilter{Country: "FR"}, "country = 'FR'", nil},
		{models.CustomerFilter{Query: "same", Country: "FR"}, "lower(name) LIKE '%same%' AND country = 'FR'", nil},
		{models.CustomerFilter{Channel: models.ChannelReseller, Country: "DE"}, "country = 'DE'", nil},
		{models.CustomerFilter{Query: "tie0"}, "domain LIKE 'tie0%'", nil},
		{models.CustomerFilter{Query: "100%"}, "name LIKE '%100\\%%'", nil},
		{models.CustomerFilter{Query: "_labs_"}, "lower(name) LIKE '%\\_labs\\_%'", nil},
		{models.CustomerFilter{Query: "istanbul"}, "name LIKE 'İstanbul%'", nil}, // İ lower-cases to a plain i
	}
	for _, sort := range []models.CustomerSort{models.SortByName, models.SortByCreated} {
		order := "lower(name), id"
		if sort == models.SortByCreated {
			order = "created_at DESC, id DESC"
		}
		for _, c := range cases {
			c.flt.Sort = sort
			var want []int64
			q := f.Gorm.Table("customers").Where("console_id = ?", f.ConsoleA.ID)
			if c.where != "" {
				q = q.Where(c.where)
			}
			if err := q.Order(order).Pluck("id", &want).Error; err != nil {
				t.Fatal(err)
			}
			got, pages := walkCustomers(t, st, a, c.flt)
			seen := map[int64]int{}
			for _, id := range got {
				seen[id]++
			}
			for id, k := range seen {
				if k > 1 {
					t.Errorf("%+v: customer %d shown %d times", c.flt, id, k)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%+v: walked %d rows over %d pages, want %d", c.flt, len(got), len(pages), len(want))
				continue
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%+v: row %d is customer %d, want %d", c.flt, i, got[i], want[i])
					break
				}
			}
			// Every page reports the same capped count: exact up to the
			// cap (SearchCountCap for a free-text search), else "more than".
			limit := int64(models.CountCap)
			if c.flt.Query != "" {
				limit = models.SearchCountCap
			}
			wantTotal, wantMany := int64(len(want)), false
			if wantTotal > limit {
				wantTotal, wantMany = limit, true
			}
			for _, p := range pages {
				if p.Total != wantTotal || p.Many != wantMany {
					t.Errorf("%+v: page total %d (many %v), want %d (many %v)", c.flt, p.Total, p.Many, wantTotal, wantMany)
					break
				}
			}
		}
	}
	if total := countRows(t, f.Gorm, "customers", "console_id = ?", f.ConsoleA.ID); total != int64(n+1) {
		t.Fatalf("console A has %d customers, want %d", total, n+1)
	}

	// Export walks the same rows in the same order, in batches.
	for _, sort := range []models.CustomerSort{models.SortByName, models.SortByCreated} {
		flt := models.CustomerFilter{Sort: sort}
		listed, _ := walkCustomers(t, st, a, flt)
		var exported []int64
		if err := st.ExportCustomers(bg, a, flt, func(r store.CustomerRow) error {
			exported = append(exported, r.ID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(exported) != fmt.Sprint(listed) {
			t.Errorf("sort %s: export gives %d rows, the list %d, or in another order", sort, len(exported), len(listed))
		}
	}
	// A bad cursor is the first page, never an error.
	page, err := st.ListCustomers(bg, a, models.CustomerFilter{}, "not-a-cursor")
	if err != nil || len(page.Items) != models.PageSize {
		t.Errorf("bad cursor: %d rows, %v", len(page.Items), err)
	}
}

// TestExportCustomersPastOneBatch: the export's batching (1000 rows) loses
// nothing when the list is longer than a batch, and is audited once.
func TestExportCustomersPastOneBatch(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	a := f.Actor("A:sales_agent")
	if err := f.Store.SeedBulkCustomers(bg, f.ConsoleA.ID, 2100); err != nil {
		t.Fatal(err)
	}
	for _, sort := range []models.CustomerSort{models.SortByName, models.SortByCreated} {
		before := countRows(t, f.Gorm, "audit_events", "action = 'customers.exported'")
		seen := map[int64]bool{}
		rows := 0
		if err := f.Store.ExportCustomers(bg, a, models.CustomerFilter{Sort: sort}, func(r store.CustomerRow) error {
			rows++
			seen[r.ID] = true
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if rows != 2101 || len(seen) != 2101 {
			t.Errorf("sort %s: exported %d rows (%d distinct), want 2101", sort, rows, len(seen))
		}
		if after := countRows(t, f.Gorm, "audit_events", "action = 'customers.exported'"); after != before+1 {
			t.Errorf("export wrote %d audit rows, want 1", after-before)
		}
	}
}

// TestCustomerCountCap: the list counts exactly up to CountCap, then says
// "many".
func TestCustomerCountCap(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	a := f.Actor("A:helpdesk_agent")
	// Console A has CustomerA; 999 more make exactly CountCap.
	if err := f.Store.SeedBulkCustomers(bg, f.ConsoleA.ID, models.CountCap-1); err != nil {
		t.Fatal(err)
	}
	page, err := f.Store.ListCustomers(bg, a, models.CustomerFilter{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != models.CountCap || page.Many {
		t.Errorf("at the cap: total %d many %v, want %d and exact", page.Total, page.Many, models.CountCap)
	}
	if err := f.Store.SeedBulkCustomers(bg, f.ConsoleA.ID, 1); err != nil {
		t.Fatal(err)
	}
	page, err = f.Store.ListCustomers(bg, a, models.CustomerFilter{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !page.Many || page.Total != models.CountCap {
		t.Errorf("past the cap: total %d many %v, want many", page.Total, page.Many)
	}
	// A deep page says the same; a narrow filter counts exactly.
	deep, err := f.Store.ListCustomers(bg, a, models.CustomerFilter{}, page.Next)
	if err != nil || !deep.Many {
		t.Errorf("second page: many %v, %v", deep.Many, err)
	}
	narrow, err := f.Store.ListCustomers(bg, a, models.CustomerFilter{Country: "SE"}, "")
	if err != nil {
		t.Fatal(err)
	}
	want := countRows(t, f.Gorm, "customers", "console_id = ? AND country = 'SE'", f.ConsoleA.ID)
	if narrow.Many || narrow.Total != want || want == 0 {
		t.Errorf("narrow filter: total %d many %v, want exactly %d", narrow.Total, narrow.Many, want)
	}
	// Console B's count is not affected by console A's rows.
	b, err := f.Store.ListCustomers(bg, f.Actor("B:helpdesk_agent"), models.CustomerFilter{}, "")
	if err != nil || b.Total != 1 || b.Many {
		t.Errorf("console B: total %d many %v, %v", b.Total, b.Many, err)
	}
}

// TestCustomerSearch: by name (infix, any case), domain prefix and tenant id.
func TestCustomerSearch(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	a := f.Actor("A:admin_agent")
	c, err := f.Store.CreateCustomer(bg, a, models.CustomerInput{Name: "Blue Harbour Logistics", Domain: "blueharbour.example", Country: "GB"})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"harbour", "HARBOUR", "blue har", "blueh", "BlueHarbour.Ex", c.TenantID.String(), "  harbour  "} {
		page, err := f.Store.ListCustomers(bg, a, models.CustomerFilter{Query: q}, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || page.Items[0].ID != c.ID {
			t.Errorf("search %q found %d rows, want the one customer", q, len(page.Items))
		}
	}
	for _, q := range []string{"harbor", "example", "%", "_", "logistics%"} {
		page, err := f.Store.ListCustomers(bg, a, models.CustomerFilter{Query: q}, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 0 {
			t.Errorf("search %q found %d rows, want none", q, len(page.Items))
		}
	}
}

// TestCustomerDomainUniqueAndAuditAtomic: domains are unique platform-wide;
// a refused change leaves nothing behind, not even an audit row; a change
// that succeeds writes exactly one audit row per organisation, with before
// and after.
func TestCustomerDomainUniqueAndAuditAtomic(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	st := f.Store
	superB := f.Actor("B:super_admin")
	snapshot := func() [3]int64 {
		return [3]int64{countRows(t, f.Gorm, "audit_events", ""), countRows(t, f.Gorm, "organisations", ""), countRows(t, f.Gorm, "customers", "")}
	}
	before := snapshot()
	// Console B cannot take console A's customer's domain, however it is typed.
	for _, d := range []string{f.CustomerA.Domain, "Customer-A.Example", "customer-a.example."} {
		_, err := st.CreateCustomer(bg, superB, models.CustomerInput{Name: "Squatter", Domain: d, Country: "JP"})
		wantField(t, "create with "+d, err, "domain")
		wantCode(t, "create with "+d, err, models.CodeInvalid)
	}
	if got := snapshot(); got != before {
		t.Errorf("refused creates left rows behind: audit/orgs/customers %v -> %v", before, got)
	}
	// Nor move its own customer onto it.
	_, err := st.UpdateCustomer(bg, superB, f.CustomerB.ID, models.CustomerInput{Name: "Customer B", Domain: f.CustomerA.Domain, Country: "JP"})
	wantField(t, "update onto a taken domain", err, "domain")
	if got := snapshot(); got != before {
		t.Errorf("refused update left rows behind: %v -> %v", before, got)
	}
	var b models.Customer
	if err := f.Gorm.Take(&b, f.CustomerB.ID).Error; err != nil || b.Domain != f.CustomerB.Domain {
		t.Errorf("customer B's domain changed to %q", b.Domain)
	}
	// Bad input changes nothing either.
	_, err = st.UpdateCustomer(bg, superB, f.CustomerB.ID, models.CustomerInput{Name: "", Domain: "nope", Country: "JP"})
	wantField(t, "update with bad input", err, "name")
	if got := snapshot(); got != before {
		t.Errorf("invalid update left rows behind: %v -> %v", before, got)
	}

	// A successful create: one audit row in the console's log and one in the
	// customer's, with the after state.
	c, err := st.CreateCustomer(bg, superB, models.CustomerInput{Name: " Kyoto Works ", Domain: "Kyoto-Works.example.", Country: "jp",
		ContactEmail: "IT@Kyoto-Works.example"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Domain != "kyoto-works.example" || c.Name != "Kyoto Works" || c.Country != "JP" || c.ContactEmail != "it@kyoto-works.example" ||
		c.Channel != models.ChannelReseller || c.ConsoleID == nil || *c.ConsoleID != f.ConsoleB.ID {
		t.Errorf("created customer not normalised or not in console B: %+v", c)
	}
	var evs []models.AuditEvent
	f.Gorm.Where("action = 'customer.created' AND record_id = ?", c.ID).Order("organisation_id").Find(&evs)
	if len(evs) != 2 || evs[0].OrganisationID != f.ConsoleB.ID || evs[1].OrganisationID != c.ID {
		t.Fatalf("customer.created rows: %+v", evs)
	}
	for _, ev := range evs {
		var after map[string]any
		if ev.Before != nil || json.Unmarshal(ev.After, &after) != nil || after["domain"] != "kyoto-works.example" {
			t.Errorf("created audit row before=%s after=%s", ev.Before, ev.After)
		}
		if ev.ActorUserID == nil || *ev.ActorUserID != superB.UserID || ev.ActorName != superB.Name || ev.IP != superB.IP ||
			!ev.At.Equal(f.Clock.Now()) {
			t.Errorf("audit row does not say who, from where and when: %+v", ev)
		}
	}
	// A successful update: exactly one more row per organisation, before → after.
	f.Clock.Advance(1)
	n := countRows(t, f.Gorm, "audit_events", "")
	if _, err := st.UpdateCustomer(bg, superB, c.ID, models.CustomerInput{Name: "Kyoto Works KK", Domain: "kyoto-works.example", Country: "JP"}); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, f.Gorm, "audit_events", ""); got != n+2 {
		t.Errorf("update wrote %d audit rows, want 2 (console and customer)", got-n)
	}
	var ev models.AuditEvent
	if err := f.Gorm.Where("action = 'customer.updated' AND record_id = ? AND organisation_id = ?", c.ID, f.ConsoleB.ID).Take(&ev).Error; err != nil {
		t.Fatal(err)
	}
	var was, now map[string]any
	if json.Unmarshal(ev.Before, &was) != nil || json.Unmarshal(ev.After, &now) != nil || was["name"] != "Kyoto Works" || now["name"] != "Kyoto Works KK" {
		t.Errorf("update audit before=%s after=%s", ev.Before, ev.After)
	}
	// The freed domain can be taken once its owner moves off it.
	if _, err := st.UpdateCustomer(bg, superB, c.ID, models.CustomerInput{Name: "Kyoto Works KK", Domain: "kyoto.example", Country: "JP"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateCustomer(bg, f.Actor("A:super_admin"), models.CustomerInput{Name: "New Kyoto", Domain: "kyoto-works.example", Country: "JP"}); err != nil {
		t.Errorf("a freed domain could not be reused: %v", err)
	}
}

// TestCustomerAddPermission: customers.add decides who adds and edits.
func TestCustomerAddPermission(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	in := func(d string) models.CustomerInput {
		return models.CustomerInput{Name: "Perm " + d, Domain: d + ".example", Country: "FR"}
	}
	// Fixture: admin and sales agents hold customers.add; helpdesk does not.
	for key, ok := range map[string]bool{"A:super_admin": true, "A:admin_agent": true, "A:sales_agent": true, "A:helpdesk_agent": false} {
		_, err := f.Store.CreateCustomer(bg, f.Actor(key), in("perm-"+key[2:6]))
		if ok && err != nil {
			t.Errorf("%s could not add a customer: %v", key, err)
		}
		if !ok {
			wantCode(t, key+" add", err, models.CodeForbidden)
			wantCode(t, key+" edit", firstErr(f.Store.UpdateCustomer(bg, f.Actor(key), f.CustomerA.ID, in("x"))), models.CodeForbidden)
		}
	}
	// Without the flag, a sales agent only reads.
	sa := f.Actor("A:sales_agent")
	sa.CanAddCustomers = false
	wantCode(t, "sales agent without the flag", firstErr(f.Store.CreateCustomer(bg, sa, in("noflag"))), models.CodeForbidden)
	for _, key := range []string{"desk:operator_admin", "custA:customer_admin"} {
		wantCode(t, key+" add", firstErr(f.Store.CreateCustomer(bg, f.Actor(key), in("other"))), models.CodeForbidden)
	}
}

// TestConcurrentSameDomain: consoles racing for one domain: exactly one wins,
// every other is told the domain is taken (never an internal error), and
// only the winner is audited.
func TestConcurrentSameDomain(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	keys := []string{"A:super_admin", "A:admin_agent", "A:sales_agent", "B:super_admin", "B:admin_agent", "B:sales_agent"}
	errs := make(chan error, len(keys))
	start := make(chan struct{})
	for _, k := range keys {
		a := f.Actor(k)
		go func() {
			<-start
			_, err := f.Store.CreateCustomer(bg, a, models.CustomerInput{Name: "Race Co", Domain: "race.example", Country: "FR"})
			errs <- err
		}()
	}
	close(start)
	wins := 0
	for range keys {
		err := <-errs
		if err == nil {
			wins++
			continue
		}
		wantField(t, "losing create", err, "domain")
	}
	if wins != 1 {
		t.Errorf("%d creates won, want exactly 1", wins)
	}
	if n := countRows(t, f.Gorm, "customers", "domain = 'race.example'"); n != 1 {
		t.Errorf("%d customers hold the domain", n)
	}
	if n := countRows(t, f.Gorm, "audit_events", "action = 'customer.created' AND after->>'domain' = 'race.example'"); n != 2 {
		t.Errorf("%d audit rows for the race, want 2 (the winner's console and customer)", n)
	}
	if n := countRows(t, f.Gorm, "organisations", "kind = 'customer'"); n != 3 {
		t.Errorf("%d customer organisations, want 3: losers left organisations behind", n)
	}
}

// The list scans its columns by hand: it reads every column of customers
// (a column added later must be added to customerListColumns too) and the
// rows equal what GORM's reflective scan reads.
func TestCustomerListScansEveryColumn(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	var cols int64
	if err := f.Gorm.Raw(`SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'customers'
		AND column_name <> 'tos_version_id'`).Scan(&cols).Error; err != nil {
		t.Fatal(err)
	}
	// id, console_id, name, name_key, domain, tenant_id, country, channel,
	// contact_name, contact_email, contact_phone, tos_accepted_at,
	// created_at, updated_at (tos_version_id is not in models.Customer).
	if cols != 14 {
		t.Fatalf("customers has %d columns; the list scans 14: update customerListColumns and scanCustomerRows", cols)
	}
	now := f.Clock.Now()
	if err := f.Gorm.Exec("UPDATE customers SET tos_accepted_at = ?, contact_phone = '+33 1 23 45 67 89' WHERE id = ?", now, f.CustomerA.ID).Error; err != nil {
		t.Fatal(err)
	}
	a := f.Actor("desk:support_engineer")
	page, err := f.Store.ListCustomers(bg, a, models.CustomerFilter{}, "")
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("list: %d rows, %v", len(page.Items), err)
	}
	for _, got := range page.Items {
		var want store.CustomerRow
		if err := f.Gorm.Table("customers").Select("customers.*, coalesce(consoles.name, '') AS console_name").
			Joins("LEFT JOIN consoles ON consoles.id = customers.console_id").Where("customers.id = ?", got.ID).Take(&want).Error; err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("customer %d: scanned %+v, GORM reads %+v", got.ID, got, want)
		}
	}
}
