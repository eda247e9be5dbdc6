package models

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

var caseNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestCaseStateMachineEveryPair(t *testing.T) {
	allowed := map[[2]CaseState]bool{
		{CaseOpen, CaseInProgress}: true, {CaseOpen, CaseWaitingOnPartner}: true, {CaseOpen, CaseResolved}: true, {CaseOpen, CaseRejected}: true,
		{CaseInProgress, CaseWaitingOnPartner}: true, {CaseInProgress, CaseResolved}: true, {CaseInProgress, CaseRejected}: true,
		{CaseWaitingOnPartner, CaseInProgress}: true, {CaseWaitingOnPartner, CaseResolved}: true, {CaseWaitingOnPartner, CaseRejected}: true,
	}
	for _, from := range CaseStates() {
		for _, to := range CaseStates() {
			want := allowed[[2]CaseState{from, to}]
			if got := from.CanMoveTo(to); got != want {
				t.Errorf("%s → %s: CanMoveTo %v, want %v", from, to, got, want)
			}
			c := SupportCase{State: from, Version: 3}
			err := c.Move(to, "a note", caseNow)
			if want {
				if err != nil {
					t.Errorf("%s → %s: %v", from, to, err)
					continue
				}
				if c.State != to || c.Version != 4 || !c.UpdatedAt.Equal(caseNow) {
					t.Errorf("%s → %s: case after move %+v", from, to, c)
				}
				if to.Closed() != (c.ClosedAt != nil) {
					t.Errorf("%s → %s: closed_at %v", from, to, c.ClosedAt)
				}
			} else {
				if ErrorCode(err) != CodeConflict {
					t.Errorf("%s → %s: want conflict, got %v", from, to, err)
				}
				if c.State != from || c.Version != 3 {
					t.Errorf("%s → %s: refused move changed the case", from, to)
				}
			}
		}
	}
	c := SupportCase{State: CaseOpen}
	if err := c.Move("archived", "", caseNow); ErrorCode(err) != CodeInvalid {
		t.Fatalf("unknown state: %v", err)
	}
}

func TestCaseResolveAndRejectNeedANote(t *testing.T) {
	for _, to := range []CaseState{CaseResolved, CaseRejected} {
		c := SupportCase{State: CaseInProgress, Version: 1}
		err := c.Move(to, "   ", caseNow)
		fe, ok := AsValidation(err)
		if !ok || fe["note"] == "" {
			t.Fatalf("%s without note: %v", to, err)
		}
		if c.State != CaseInProgress || c.Version != 1 {
			t.Fatalf("%s without note changed the case", to)
		}
	}
	c := SupportCase{State: CaseOpen, Version: 1}
	if err := c.Move(CaseWaitingOnPartner, "", caseNow); err != nil {
		t.Fatalf("waiting without note: %v", err)
	}
}

func TestCaseReopenWindow(t *testing.T) {
	closed := caseNow
	for _, tc := range []struct {
		name  string
		state CaseState
		at    time.Time
		ok    bool
	}{
		{"resolved, same day", CaseResolved, closed.Add(time.Hour), true},
		{"resolved, 13 days later", CaseResolved, closed.Add(13 * 24 * time.Hour), true},
		{"resolved, exactly 14 days later", CaseResolved, closed.Add(ReopenWindow), true},
		{"resolved, 14 days and a second", CaseResolved, closed.Add(ReopenWindow + time.Second), false},
		{"rejected, 10 days later", CaseRejected, closed.Add(10 * 24 * time.Hour), true},
		{"rejected, 20 days later", CaseRejected, closed.Add(20 * 24 * time.Hour), false},
	} {
		c := SupportCase{State: tc.state, ClosedAt: &closed, Version: 5}
		err := c.Reopen(tc.at)
		if tc.ok {
			if err != nil || c.State != CaseOpen || c.ClosedAt != nil || c.Version != 6 {
				t.Errorf("%s: err %v, case %+v", tc.name, err, c)
			}
		} else if ErrorCode(err) != CodeConflict || c.State != tc.state {
			t.Errorf("%s: want conflict, got %v (state %s)", tc.name, err, c.State)
		}
	}
	for _, s := range []CaseState{CaseOpen, CaseInProgress, CaseWaitingOnPartner} {
		c := SupportCase{State: s}
		if err := c.Reopen(caseNow); ErrorCode(err) != CodeConflict {
			t.Errorf("reopen %s: %v", s, err)
		}
	}
}

func TestPartnerReplyHandsCaseBack(t *testing.T) {
	c := SupportCase{State: CaseWaitingOnPartner, Version: 2}
	if !c.PartnerReplied(caseNow) || c.State != CaseInProgress || c.Version != 3 {
		t.Fatalf("case %+v", c)
	}
	c = SupportCase{State: CaseOpen, Version: 2}
	if c.PartnerReplied(caseNow) || c.State != CaseOpen || c.Version != 2 {
		t.Fatalf("open case changed: %+v", c)
	}
}

func validCase(t CaseType) CaseInput {
	in := CaseInput{Type: t, Impact: ImpactHigh, Title: "Something broke", Description: "Details", CustomerID: 7,
		ContactName: "Ann", ContactEmail: "ann@example.com", ContactPhone: "+33 1 23 45 67 89", Fields: map[string]string{}}
	for _, f := range t.Spec().Fields {
		switch {
		case f.Name == FieldOrderLine:
			in.Fields[f.Name] = "12"
		default:
			in.Fields[f.Name] = "value"
		}
		switch f.Kind {
		case "money":
			in.Fields[f.Name] = "120.50"
		case "date":
			in.Fields[f.Name] = "2026-03-09"
		case "email":
			in.Fields[f.Name] = "x@example.com"
		}
	}
	return in
}

func TestCaseTypesRequireTheirFields(t *testing.T) {
	for _, ct := range CaseTypeOrder() {
		in := validCase(ct)
		in.Normalize()
		if err := in.Validate("EUR"); err != nil {
			t.Errorf("%s: valid input refused: %v", ct, err)
		}
		for _, f := range ct.Spec().Fields {
			in := validCase(ct)
			in.Fields[f.Name] = "  "
			in.Normalize()
			err := in.Validate("EUR")
			fe, _ := AsValidation(err)
			if f.Required && fe[f.FormName()] == "" {
				t.Errorf("%s: missing required %s accepted: %v", ct, f.Name, err)
			}
			if !f.Required && err != nil {
				t.Errorf("%s: missing optional %s refused: %v", ct, f.Name, err)
			}
		}
		if ct.Spec().NeedsCustomer {
			in := validCase(ct)
			in.CustomerID = 0
			if fe, _ := AsValidation(in.Validate("EUR")); fe["customer_id"] == "" {
				t.Errorf("%s: no customer accepted", ct)
			}
		}
	}
	// The refund type asks for what R-SW-6 lists.
	var names []string
	for _, f := range CaseTypes()[CaseCSPRefund].Fields {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "customer_name,tenant_or_domain,order_or_subscription_id,refund_reason,amount_requested,order_line" {
		t.Fatalf("refund fields %s", got)
	}
	if !CaseMeetOfflineToOnline.Offers("convert_to_grace_plan") || CaseOther.Offers("convert_to_grace_plan") {
		t.Fatal("Meet action registry")
	}
}

func TestCaseCommonFields(t *testing.T) {
	in := CaseInput{Type: "nonsense", Impact: "huge", ContactEmail: "not-an-email", ContactPhone: "call me", Title: strings.Repeat("x", 201)}
	in.Normalize()
	fe, ok := AsValidation(in.Validate("EUR"))
	if !ok {
		t.Fatal("no validation error")
	}
	for _, f := range []string{"type", "impact", "title", "description", "contact_name", "contact_email", "contact_phone"} {
		if fe[f] == "" {
			t.Errorf("no message on %s", f)
		}
	}
}

func TestCaseAmountIsPositiveMoneyInTheConsoleCurrency(t *testing.T) {
	for _, tc := range []struct {
		in   string
		cur  string
		want int64
		ok   bool
	}{
		{"120.50", "EUR", 12050, true},
		{"120,5", "EUR", 12050, true},
		{"1,234.56", "USD", 123456, true},
		{"1 234,56", "EUR", 123456, true},
		{"1200", "EUR", 120000, true},
		{"1200", "JPY", 1200, true},
		{"1,200", "JPY", 1200, true},
		{"12.5", "JPY", 0, false},
		{"1.234", "EUR", 123400, true}, // three digits after the mark: a thousands separator
		{"-5", "EUR", 0, false},
		{"abc", "EUR", 0, false},
		{"", "EUR", 0, false},
		{"12.345.678,9", "EUR", 1234567890, true},
	} {
		got, ok := ParseCaseAmount(tc.in, tc.cur)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("ParseCaseAmount(%q, %s) = %d, %v; want %d, %v", tc.in, tc.cur, got, ok, tc.want, tc.ok)
		}
	}
	in := validCase(CaseCSPRefund)
	in.Fields["amount_requested"] = "0"
	if fe, _ := AsValidation(in.Validate("EUR")); fe["cf_amount_requested"] == "" {
		t.Fatal("zero amount accepted")
	}
	in.Fields["amount_requested"] = "10.5"
	if fe, _ := AsValidation(in.Validate("JPY")); fe["cf_amount_requested"] == "" {
		t.Fatal("yen with decimals accepted")
	}
	in.Fields["amount_requested"] = "99.99"
	if amt, ok := in.Amount("EUR"); !ok || amt != 9999 {
		t.Fatalf("amount %d %v", amt, ok)
	}
}

var (
	pdfBytes  = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	pngBytes  = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 32)...)
	jpegBytes = append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{1}, 32)...)
)

func TestCheckUploadSniffsContent(t *testing.T) {
	for _, tc := range []struct {
		name     string
		data     []byte
		wantType string
		wantName string
	}{
		{"report.pdf", pdfBytes, "application/pdf", "report.pdf"},
		{"screen.png", pngBytes, "image/png", "screen.png"},
		{"photo.JPG", jpegBytes, "image/jpeg", "photo.JPG"},
		{"notes.txt", []byte("hello\nworld\n"), "text/plain", "notes.txt"},
		{"list.csv", []byte("id,name\n1,Acme\n"), "text/csv", "list.csv"},
		{"scan", pdfBytes, "application/pdf", "scan.pdf"},
		{`..\..\etc/passwd.txt`, []byte("x"), "text/plain", "passwd.txt"},
	} {
		name, ct, err := CheckUpload(Upload{Name: tc.name, Data: tc.data})
		if err != nil || ct != tc.wantType || name != tc.wantName {
			t.Errorf("%s: %q %q %v", tc.name, name, ct, err)
		}
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"evil.pdf", []byte("<html><script>alert(1)</script></html>")}, // HTML named .pdf
		{"image.png", pdfBytes}, // a PDF named .png
		{"page.html", []byte("<!DOCTYPE html><html></html>")},
		{"archive.zip", []byte("PK\x03\x04rest of zip")},
		{"binary.txt", []byte{0, 1, 2, 3, 0xff, 0xfe}},
		{"notes.txt", []byte("latin1 \xe9\xe8 text")},
		{"empty.txt", nil},
		{"text.exe", []byte("just text")},
	} {
		if _, _, err := CheckUpload(Upload{Name: tc.name, Data: tc.data}); ErrorCode(err) != CodeInvalid {
			t.Errorf("%s accepted: %v", tc.name, err)
		}
	}
	big := make([]byte, MaxAttachmentSize+1)
	copy(big, pdfBytes)
	if _, _, err := CheckUpload(Upload{Name: "big.pdf", Data: big}); ErrorCode(err) != CodeInvalid || !strings.Contains(err.Error(), "10 MB") {
		t.Errorf("11 MB file: %v", err)
	}
	exact := make([]byte, MaxAttachmentSize)
	copy(exact, pdfBytes)
	if _, _, err := CheckUpload(Upload{Name: "max.pdf", Data: exact}); err != nil {
		t.Errorf("10 MB file refused: %v", err)
	}
}

func TestMailBackoffGrowsAndCaps(t *testing.T) {
	prev := time.Duration(0)
	for n := 1; n <= 12; n++ {
		d := MailBackoff(n)
		if d < prev || d > time.Hour {
			t.Fatalf("attempt %d: %s after %s", n, d, prev)
		}
		prev = d
	}
	if MailBackoff(1) != 30*time.Second || MailBackoff(20) != time.Hour {
		t.Fatalf("%s %s", MailBackoff(1), MailBackoff(20))
	}
}

func TestNoticeKindsHaveLabelsAndArgsRoundTrip(t *testing.T) {
	for _, k := range []NoticeKind{NoticeCaseFiled, NoticeCaseCommented, NoticeCaseStateChanged, NoticeOfferSent, NoticeOfferAccepted,
		NoticeOfferDeclined, NoticeOfferExpiring, NoticeTokenUsed, NoticeGraceConversion, NoticeResellerIDShared, NoticeRenewal, NoticeSuspension} {
		if !k.Valid() || k.Label() == string(k) || k.Label() == "" {
			t.Errorf("%s has no label", k)
		}
		found := false
		for _, x := range NoticeKinds() {
			found = found || x == k
		}
		if !found {
			t.Errorf("%s missing from NoticeKinds()", k)
		}
	}
	args := ArgsFromPairs([]any{"ID", int64(12), "Title", "Hello", 3, "ignored", "Odd"})
	back := ParseNoticeArgs(args.JSON())
	if back["ID"] != "12" || back["Title"] != "Hello" || len(back) != 2 {
		t.Fatalf("args %v", back)
	}
}

// CaseType.Label answers from a switch; it must name every type as its
// spec does, and an unknown type by its value.
func TestCaseTypeLabels(t *testing.T) {
	for typ, spec := range CaseTypes() {
		t.Run(string(typ), func(t *testing.T) {
			if got := typ.Label(); got != spec.Label {
				t.Errorf("Label() = %q, spec says %q", got, spec.Label)
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		if got := CaseType("nope").Label(); got != "nope" {
			t.Errorf("Label() = %q", got)
		}
	})
}
