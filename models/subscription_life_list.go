package models

import (
	"strconv"
	"strings"
	"time"
)

// SubscriptionFilter is the subscriptions list's search and filters: a
// console's subscriptions by product, plan, status, renewal within 7, 30 or
// 60 days, billing account, and a search by customer name or domain.
type SubscriptionFilter struct {
	Query            string
	ProductID        int64
	Plan             Plan
	Status           SubStatus
	RenewalWithin    int // days: 0 (any), 7, 30 or 60
	BillingAccountID int64
}

// RenewalWindows are the renewal filter's choices, in days.
func RenewalWindows() []int {
	return []int{7, 30, 60}
}

// ParseSubscriptionFilter reads the list's query parameters; a value that is
// not one of the choices means "any".
func ParseSubscriptionFilter(get func(string) string) SubscriptionFilter {
	f := SubscriptionFilter{Query: strings.TrimSpace(get("q"))}
	if len(f.Query) > 200 {
		f.Query = f.Query[:200]
	}
	f.ProductID, _ = strconv.ParseInt(get("product"), 10, 64)
	f.BillingAccountID, _ = strconv.ParseInt(get("account"), 10, 64)
	if f.ProductID < 0 {
		f.ProductID = 0
	}
	if f.BillingAccountID < 0 {
		f.BillingAccountID = 0
	}
	for _, p := range Plans() {
		if string(p) == get("plan") {
			f.Plan = p
		}
	}
	for _, s := range []SubStatus{SubActive, SubSuspended, SubEnded, SubExpired, SubDisabled, SubDeleted} {
		if string(s) == get("status") {
			f.Status = s
		}
	}
	if n, err := strconv.Atoi(get("renewal")); err == nil {
		for _, w := range RenewalWindows() {
			if n == w {
				f.RenewalWithin = n
			}
		}
	}
	return f
}

// Filtered tells whether any search or filter is set.
func (f SubscriptionFilter) Filtered() bool { return f != SubscriptionFilter{} }

// RenewalBefore is the last end date the renewal filter keeps at now.
func (f SubscriptionFilter) RenewalBefore(now time.Time) time.Time {
	return Day(now).AddDate(0, 0, f.RenewalWithin)
}

// SubscriptionRow is a subscriptions-list row.
type SubscriptionRow struct {
	ID                 int64
	CustomerID         int64
	CustomerName       string
	CustomerDomain     string
	ProductName        string
	Quantity           int
	Plan               Plan
	Channel            SubChannel
	Status             SubStatus
	SuspensionReasons  TextArray `gorm:"type:text[]"`
	EndDate            time.Time
	RenewalOption      RenewalOption
	BillingAccountName string
	PONumber           string `gorm:"column:po_number"`
}

// SubscriptionDetail is what the subscription page shows: the subscription
// with its product, who it belongs to, its price, the actions the reader may
// take and its history (audit events).
type SubscriptionDetail struct {
	Sub            Subscription
	CustomerName   string
	CustomerDomain string
	ConsoleName    string
	BillingAccount string // its name, "" when none
	Currency       string
	UnitMinor      int64
	Actions        LifeActions
	RenewalOptions []RenewalOption
	History        []AuditEvent
	RenewDirect    RenewDirectOffer // issue 11: renew or reactivate by direct billing
}
