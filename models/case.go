package models

import (
	"encoding/json"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CaseType is the kind of a support case (R-CASE-1). Each type declares the
// fields it needs and the desk actions it offers.
type CaseType string

const (
	CaseMeetOfflineToOnline CaseType = "meet_offline_to_online"
	CaseCSPRefund           CaseType = "csp_refund"
	CaseUndoMigration       CaseType = "undo_migration"
	CaseBillingQuestion     CaseType = "billing_question"
	CaseOther               CaseType = "other"
)

// CaseField is one type-specific field of a case form.
type CaseField struct {
	Name     string // key in SupportCase.Fields; the form field is "cf_"+Name
	Label    string // English message id
	Kind     string // "text", "textarea", "money", "email" or "date"
	Required bool
}

// FormName is the form field that carries the value.
func (f CaseField) FormName() string { return "cf_" + f.Name }

// CaseTypeSpec is what a case type asks for and what the desk can do with it.
type CaseTypeSpec struct {
	Label string
	// Fields are the type's own fields, checked when the case is filed.
	Fields []CaseField
	// Actions are the names of the desk actions the type offers; the store's
	// RegisterCaseAction wires each name to its code.
	Actions []string
	// NeedsCustomer says the case must name one of the console's customers.
	NeedsCustomer bool
	// NeedsPhone says the contact phone is required.
	NeedsPhone bool
}

// Action names other areas register with the store.
const (
	ActionConvertToGracePlan = "convert_to_grace_plan"
	ActionApproveRefund      = "approve_refund"
	ActionUndoMigration      = "undo_migration"
)

// CaseTypes is the registry of case types.
func CaseTypes() map[CaseType]CaseTypeSpec {
	return map[CaseType]CaseTypeSpec{
		CaseMeetOfflineToOnline: {
			Label: "Offline Google Meet hardware subscription to online",
			Fields: []CaseField{
				{Name: "domain", Label: "Domain", Kind: "text", Required: true},
				{Name: "subscription_id", Label: "Subscription id", Kind: "text", Required: true},
				{Name: "renewal_date", Label: "Renewal date", Kind: "date", Required: true},
			},
			Actions:       []string{ActionConvertToGracePlan},
			NeedsCustomer: true,
		},
		CaseCSPRefund: {
			Label: "Purchase/refund of CSP offers on behalf of customers",
			Fields: []CaseField{
				{Name: "customer_name", Label: "Customer name", Kind: "text", Required: true},
				{Name: "tenant_or_domain", Label: "Tenant id or domain", Kind: "text", Required: true},
				{Name: "order_or_subscription_id", Label: "Order id or subscription id", Kind: "text", Required: true},
				{Name: "refund_reason", Label: "Refund reason", Kind: "textarea", Required: true},
				{Name: "amount_requested", Label: "Amount requested", Kind: "money", Required: true},
				{Name: FieldOrderLine, Label: "Software order line", Kind: "text"},
			},
			Actions:       []string{ActionApproveRefund},
			NeedsCustomer: true,
			NeedsPhone:    true,
		},
		CaseUndoMigration: {
			Label: "Undo a customer migration",
			Fields: []CaseField{
				{Name: "migration_reference", Label: "Migration reference", Kind: "text", Required: true},
				{Name: "undo_reason", Label: "Why the migration should be undone", Kind: "textarea", Required: true},
			},
			Actions:       []string{ActionUndoMigration},
			NeedsCustomer: true,
		},
		CaseBillingQuestion: {
			Label: "Billing question",
			Fields: []CaseField{
				{Name: "invoice_number", Label: "Invoice number", Kind: "text"},
			},
		},
		CaseOther: {Label: "Other"},
	}
}

// CaseTypeOrder is the order the type picker lists the types in.
func CaseTypeOrder() []CaseType {
	return []CaseType{CaseCSPRefund, CaseMeetOfflineToOnline, CaseUndoMigration, CaseBillingQuestion, CaseOther}
}

// ActionLabel is the button's label of a registered desk action; "" for an
// unknown action.
func ActionLabel(action string) string {
	switch action {
	case ActionConvertToGracePlan:
		return "Convert to the online grace plan"
	case ActionApproveRefund:
		return "Approve the refund and revoke the key"
	case ActionUndoMigration:
		return "Undo the migration"
	}
	return ""
}

// Valid tells whether t is a known type.
func (t CaseType) Valid() bool { _, ok := CaseTypes()[t]; return ok }

// Spec returns the type's registry entry.
func (t CaseType) Spec() CaseTypeSpec { return CaseTypes()[t] }

// Label is the type's English label.
// A switch, not CaseTypes()[t]: a list calls it per row, and building the
// map of specs each time was a twentieth of the case queue's CPU
// (TestCaseTypeLabels keeps the two in step).
func (t CaseType) Label() string {
	switch t {
	case CaseMeetOfflineToOnline:
		return "Offline Google Meet hardware subscription to online"
	case CaseCSPRefund:
		return "Purchase/refund of CSP offers on behalf of customers"
	case CaseUndoMigration:
		return "Undo a customer migration"
	case CaseBillingQuestion:
		return "Billing question"
	case CaseOther:
		return "Other"
	}
	return string(t)
}

// Offers tells whether the type offers the named desk action.
func (t CaseType) Offers(action string) bool {
	for _, a := range CaseTypes()[t].Actions {
		if a == action {
			return true
		}
	}
	return false
}

// CaseState is where a case is (R-CASE-2).
type CaseState string

const (
	CaseOpen             CaseState = "open"
	CaseInProgress       CaseState = "in_progress"
	CaseWaitingOnPartner CaseState = "waiting_on_partner"
	CaseResolved         CaseState = "resolved"
	CaseRejected         CaseState = "rejected"
)

// CaseStates lists the states in their usual order.
func CaseStates() []CaseState {
	return []CaseState{CaseOpen, CaseInProgress, CaseWaitingOnPartner, CaseResolved, CaseRejected}
}

// caseMoves is the desk's transition table.
func caseMoves() map[CaseState][]CaseState {
	return map[CaseState][]CaseState{
		CaseOpen:             {CaseInProgress, CaseWaitingOnPartner, CaseResolved, CaseRejected},
		CaseInProgress:       {CaseWaitingOnPartner, CaseResolved, CaseRejected},
		CaseWaitingOnPartner: {CaseInProgress, CaseResolved, CaseRejected},
		CaseResolved:         nil, // only the partner reopens, within ReopenWindow
		CaseRejected:         nil,
	}
}

// Valid tells whether s is a known state.
func (s CaseState) Valid() bool { _, ok := caseMoves()[s]; return ok }

// Closed tells whether the case is resolved or rejected.
func (s CaseState) Closed() bool { return s == CaseResolved || s == CaseRejected }

// Label is the state's English label.
func (s CaseState) Label() string {
	switch s {
	case CaseOpen:
		return "Open"
	case CaseInProgress:
		return "In progress"
	case CaseWaitingOnPartner:
		return "Waiting on partner"
	case CaseResolved:
		return "Resolved"
	case CaseRejected:
		return "Rejected"
	}
	return string(s)
}

// CanMoveTo tells whether the desk may move a case from s to t.
func (s CaseState) CanMoveTo(t CaseState) bool {
	for _, x := range caseMoves()[s] {
		if x == t {
			return true
		}
	}
	return false
}

// NextStates lists where the desk may move a case from s.
func (s CaseState) NextStates() []CaseState { return caseMoves()[s] }

// Impact is how badly the partner is affected.
type Impact string

const (
	ImpactLow      Impact = "low"
	ImpactMedium   Impact = "medium"
	ImpactHigh     Impact = "high"
	ImpactCritical Impact = "critical"
)

// Impacts lists the impacts from least to most severe.
func Impacts() []Impact {
	return []Impact{ImpactLow, ImpactMedium, ImpactHigh, ImpactCritical}
}

// Valid tells whether i is a known impact.
func (i Impact) Valid() bool {
	for _, x := range Impacts() {
		if x == i {
			return true
		}
	}
	return false
}

// Label is the impact's English label.
func (i Impact) Label() string {
	switch i {
	case ImpactLow:
		return "Low"
	case ImpactMedium:
		return "Medium"
	case ImpactHigh:
		return "High"
	case ImpactCritical:
		return "Critical"
	}
	return string(i)
}

// ReopenWindow is how long after resolution or rejection the partner may
// reopen a case.
const ReopenWindow = 14 * 24 * time.Hour

// SupportCase is a case a partner files with the support desk.
type SupportCase struct {
	ID           int64
	ConsoleID    int64
	CustomerID   *int64
	Type         CaseType
	State        CaseState
	Impact       Impact
	Title        string
	Description  string
	Fields       []byte `gorm:"type:jsonb"` // the type's own fields, name → value
	AmountMinor  *int64 // the money field, in minor units of Currency
	Currency     string
	ContactName  string
	ContactEmail string
	ContactPhone string
	FiledByID    *int64
	FiledByName  string
	AssigneeID   *int64
	Version      int // optimistic lock: every change increments it
	ClosedAt     *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName is the cases table.
func (SupportCase) TableName() string { return "support_cases" }

// FieldValues decodes the type's fields.
func (c SupportCase) FieldValues() map[string]string {
	out := map[string]string{}
	_ = json.Unmarshal(c.Fields, &out)
	return out
}

// Move applies a desk transition. Resolving and rejecting need a note,
// which becomes the case's public answer.
func (c *SupportCase) Move(to CaseState, note string, now time.Time) error {
	if !to.Valid() {
		return &Error{Code: CodeInvalid, Field: "state", Message: "Choose a state from the list."}
	}
	if !c.State.CanMoveTo(to) {
		return &Error{Code: CodeConflict, Message: "This case cannot move from its current state to that one."}
	}
	if to.Closed() && strings.TrimSpace(note) == "" {
		if to == CaseResolved {
			return &Error{Code: CodeInvalid, Field: "note", Message: "Write the resolution the partner will read."}
		}
		return &Error{Code: CodeInvalid, Field: "note", Message: "Write why the case is rejected."}
	}
	c.State = to
	if to.Closed() {
		t := now
		c.ClosedAt = &t
	} else {
		c.ClosedAt = nil
	}
	c.Version++
	c.UpdatedAt = now
	return nil
}

// CanReopen tells whether the partner may still reopen the case at now.
func (c SupportCase) CanReopen(now time.Time) bool {
	return c.State.Closed() && c.ClosedAt != nil && !now.After(c.ClosedAt.Add(ReopenWindow))
}

// ReopenDeadline is the last moment the case can be reopened.
func (c SupportCase) ReopenDeadline() time.Time {
	if c.ClosedAt == nil {
		return time.Time{}
	}
	return c.ClosedAt.Add(ReopenWindow)
}

// Reopen moves a resolved or rejected case back to open, within
// ReopenWindow of its closing.
func (c *SupportCase) Reopen(now time.Time) error {
	if !c.State.Closed() {
		return &Error{Code: CodeConflict, Message: "Only a resolved or rejected case can be reopened."}
	}
	if !c.CanReopen(now) {
		return &Error{Code: CodeConflict, Message: "This case was closed more than 14 days ago and cannot be reopened; file a new case."}
	}
	c.State = CaseOpen
	c.ClosedAt = nil
	c.Version++
	c.UpdatedAt = now
	return nil
}

// PartnerReplied moves a case waiting on the partner back to the desk when
// the partner comments; it tells whether the state changed.
func (c *SupportCase) PartnerReplied(now time.Time) bool {
	if c.State != CaseWaitingOnPartner {
		return false
	}
	c.State = CaseInProgress
	c.Version++
	c.UpdatedAt = now
	return true
}

// CaseInput is what a partner types to file a case.
type CaseInput struct {
	Type         CaseType
	Impact       Impact
	Title        string
	Description  string
	CustomerID   int64
	Fields       map[string]string // by CaseField.Name
	ContactName  string
	ContactEmail string
	ContactPhone string
}

// Normalize trims every value.
func (in *CaseInput) Normalize() {
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.ContactName = strings.TrimSpace(in.ContactName)
	in.ContactEmail = NormalizeEmail(in.ContactEmail)
	in.ContactPhone = strings.TrimSpace(in.ContactPhone)
	clean := map[string]string{}
	for _, f := range in.Type.Spec().Fields {
		v := strings.TrimSpace(in.Fields[f.Name])
		if f.Kind == "email" {
			v = NormalizeEmail(v)
		}
		clean[f.Name] = v
	}
	in.Fields = clean
}

// Validate checks the common and the type's own fields; currency is the
// console's, in which a money field is typed. Messages go on the form field
// names ("title", "cf_amount_requested", ...).
func (in CaseInput) Validate(currency string) error {
	f := FieldErrors{}
	if !in.Type.Valid() {
		f.Add("type", "Choose the kind of problem.")
	}
	if !in.Impact.Valid() {
		f.Add("impact", "Choose the impact.")
	}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		f.Add("title", "Enter a short title.")
	case n > 200:
		f.Add("title", "The title is at most 200 characters.")
	}
	switch n := utf8.RuneCountInString(in.Description); {
	case n == 0:
		f.Add("description", "Describe the problem.")
	case n > 10000:
		f.Add("description", "The description is at most 10,000 characters.")
	}
	if in.Type.Spec().NeedsCustomer && in.CustomerID <= 0 {
		f.Add("customer_id", "Choose the customer this case is about.")
	}
	if in.ContactName == "" {
		f.Add("contact_name", "Enter the contact's name.")
	} else if utf8.RuneCountInString(in.ContactName) > 200 {
		f.Add("contact_name", "The contact name is at most 200 characters.")
	}
	if in.ContactEmail == "" {
		f.Add("contact_email", "Enter the contact's email address.")
	} else if !ValidEmail(in.ContactEmail) {
		f.Add("contact_email", "Enter a valid email address.")
	}
	if in.ContactPhone == "" && in.Type.Spec().NeedsPhone {
		f.Add("contact_phone", "Enter a phone number the desk can call about this refund.")
	} else if in.ContactPhone != "" && !phonePattern(in.ContactPhone) {
		f.Add("contact_phone", "Enter a phone number with digits, spaces, +, - or parentheses.")
	}
	for _, fd := range in.Type.Spec().Fields {
		v := in.Fields[fd.Name]
		name := fd.FormName()
		if v == "" {
			if fd.Required {
				f.Add(name, "This field is required for this kind of case.")
			}
			continue
		}
		limit := 200
		if fd.Kind == "textarea" {
			limit = 5000
		}
		if utf8.RuneCountInString(v) > limit {
			f.Add(name, "This value is too long.")
			continue
		}
		switch fd.Kind {
		case "email":
			if !ValidEmail(v) {
				f.Add(name, "Enter a valid email address.")
			}
		case "date":
			if _, err := time.Parse("2006-01-02", v); err != nil {
				f.Add(name, "Enter the date as YYYY-MM-DD.")
			}
		}
		if fd.Name == FieldOrderLine {
			if _, ok := RefundLineID(in.Fields); !ok {
				f.Add(name, "Enter the order line's number.")
			}
		}
		switch fd.Kind {
		case "money":
			if m, ok := ParseCaseAmount(v, currency); !ok {
				f.Add(name, "Enter an amount in the console's currency, e.g. 120.50.")
			} else if m <= 0 {
				f.Add(name, "The amount must be more than zero.")
			}
		}
	}
	return f.Err()
}

// Amount returns the money field's value in minor units, if the type has one.
func (in CaseInput) Amount(currency string) (int64, bool) {
	for _, fd := range in.Type.Spec().Fields {
		if fd.Kind == "money" {
			return ParseCaseAmount(in.Fields[fd.Name], currency)
		}
	}
	return 0, false
}

// ParseCaseAmount reads a typed amount ("1,234.50", "1234,5", "1200") into
// minor units of the currency. More decimals than the currency has, or
// anything that is not a number, is refused.
func ParseCaseAmount(s, currency string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(s)
	if s == "" || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, false
	}
	scale := CurrencyScale(currency)
	// The last '.' or ',' followed by 1..scale digits is the decimal mark;
	// any other separator groups thousands.
	intPart, frac := s, ""
	if i := strings.LastIndexAny(s, ".,"); i >= 0 {
		tail := s[i+1:]
		if len(tail) >= 1 && len(tail) <= scale && !strings.ContainsAny(tail, ".,") {
			intPart, frac = s[:i], tail
		}
	}
	if groups := strings.FieldsFunc(intPart, func(r rune) bool { return r == '.' || r == ',' }); len(groups) > 1 {
		// Thousands separators: 1-3 digits, then groups of exactly three.
		if strings.Count(intPart, ".")+strings.Count(intPart, ",") != len(groups)-1 || len(groups[0]) > 3 {
			return 0, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, false
			}
		}
	}
	intPart = strings.NewReplacer(",", "", ".", "").Replace(intPart)
	if intPart == "" {
		intPart = "0"
	}
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	if len(intPart) > 13 {
		return 0, false
	}
	for len(frac) < scale {
		frac += "0"
	}
	n, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// CommentInput is a comment on a case.
type CommentInput struct {
	Body     string
	Internal bool // desk only: never shown to the partner
}

// ValidateComment checks a comment's text.
func ValidateComment(body string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(body)); {
	case n == 0:
		return &Error{Code: CodeInvalid, Field: "body", Message: "Write a comment."}
	case n > 10000:
		return &Error{Code: CodeInvalid, Field: "body", Message: "A comment is at most 10,000 characters."}
	}
	return nil
}

// CaseComment is one message of a case's thread. Internal notes are for the
// desk only.
type CaseComment struct {
	ID         int64
	CaseID     int64
	AuthorID   *int64
	AuthorName string
	FromDesk   bool
	Body       string
	Internal   bool
	StateFrom  string // set when the comment records a state change
	StateTo    string
	// BodyMsg, when set, is a note the code wrote (an action's result):
	// readers see it translated; Body keeps its English text.
	BodyMsg   *Msg `gorm:"column:body_msg"`
	CreatedAt time.Time
}

// TableName is the comments table.
func (CaseComment) TableName() string { return "case_comments" }

// Attachment limits (R-CASE-2).
const (
	MaxAttachmentsPerMessage = 5
	MaxAttachmentSize        = 10 << 20
)

// Attachment is a file attached to a case message; its bytes live in the
// database and are loaded only to be downloaded.
type Attachment struct {
	ID          int64
	CaseID      int64
	CommentID   *int64
	FileName    string
	ContentType string
	Size        int64
	Data        []byte `gorm:"->:false;<-:create"` // written once, read only by the download query
	UploadedBy  *int64
	CreatedAt   time.Time
}

// TableName is the attachments table.
func (Attachment) TableName() string { return "case_attachments" }

// Upload is a file as received, before it is checked.
type Upload struct {
	Name string
	Data []byte
	Size int64 // as declared; Data's length decides
}

func allowedByExt() map[string]string {
	return map[string]string{
		".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
		".txt": "text/plain", ".csv": "text/csv", ".log": "text/plain",
	}
}

// CheckUpload decides whether a file may be attached, by its content: PDF,
// PNG, JPEG, or plain text (TXT, CSV). It returns the content type to store
// and the cleaned file name. The name's extension must agree with the content.
func CheckUpload(u Upload) (name, contentType string, err error) {
	name = cleanFileName(u.Name)
	if len(u.Data) == 0 {
		return name, "", &Error{Code: CodeInvalid, Field: "files", Message: "One of the files is empty."}
	}
	if len(u.Data) > MaxAttachmentSize || u.Size > MaxAttachmentSize {
		return name, "", &Error{Code: CodeInvalid, Field: "files", Message: "One of the files is larger than 10 MB."}
	}
	sniffed := http.DetectContentType(u.Data)
	if i := strings.IndexByte(sniffed, ';'); i >= 0 {
		sniffed = sniffed[:i]
	}
	ext := strings.ToLower(path.Ext(name))
	want, known := allowedByExt()[ext]
	bad := &Error{Code: CodeInvalid, Field: "files", Message: "One of the files is not a PDF, PNG, JPEG, TXT or CSV file (its content decides, not its name)."}
	if ext != "" && !known {
		return name, "", bad
	}
	switch sniffed {
	case "application/pdf", "image/png", "image/jpeg":
		if known && want != sniffed {
			return name, "", bad
		}
		if !known {
			name += map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}[sniffed]
		}
		return name, sniffed, nil
	case "text/plain":
		if !utf8.Valid(u.Data) || strings.ContainsRune(string(u.Data), 0) {
			return name, "", bad
		}
		if known && want != "text/plain" && want != "text/csv" {
			return name, "", bad
		}
		if want == "text/csv" {
			return name, "text/csv", nil
		}
		if !known {
			name += ".txt"
		}
		return name, "text/plain", nil
	}
	return name, "", bad
}

// cleanFileName keeps a safe base name for the Content-Disposition header.
func cleanFileName(s string) string {
	s = strings.ReplaceAll(s, "\\", "/")
	s = path.Base(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || r == '"' || r == '/' || r == ';':
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.TrimSpace(b.String())
	if out == "" || out == "." || out == ".." {
		out = "file"
	}
	if utf8.RuneCountInString(out) > 150 {
		out = string([]rune(out)[:150])
	}
	return out
}

// CaseFilter narrows a cases list.
type CaseFilter struct {
	Query      string // title or case number
	State      CaseState
	Open       bool // any state but resolved and rejected
	Type       CaseType
	Impact     Impact
	CustomerID int64
	ConsoleID  int64 // desk only
	OlderThan  int   // days since filing, desk queue
	Assigned   string
	Sort       string // "newest" (default) or "oldest"
}
