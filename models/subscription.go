package models

import "time"

// Plan is how a subscription is committed and paid.
type Plan string

const (
	PlanFlexible      Plan = "flexible"
	PlanAnnualMonthly Plan = "annual_monthly"
	PlanAnnualPrepaid Plan = "annual_prepaid"
	PlanTrial         Plan = "trial"
)

// Plans lists every plan in display order.
func Plans() []Plan {
	return []Plan{PlanFlexible, PlanAnnualMonthly, PlanAnnualPrepaid, PlanTrial}
}

// SubChannel says whether a subscription is managed online in a console or
// offline (by order forms).
type SubChannel string

const (
	SubOnline  SubChannel = "online"
	SubOffline SubChannel = "offline"
)

// SubStatus is active or suspended; a suspended one carries reasons.
type SubStatus string

const (
	SubActive    SubStatus = "active"
	SubSuspended SubStatus = "suspended"
	SubEnded     SubStatus = "ended" // cancelled now or at expiry (issue 9)
)

// SuspensionReason follows Google's entitlement model.
type SuspensionReason string

const (
	SuspendResellerInitiated SuspensionReason = "reseller_initiated"
	SuspendTrialEnded        SuspensionReason = "trial_ended"
	SuspendNonPayment        SuspensionReason = "non_payment"
	SuspendPendingTOS        SuspensionReason = "pending_tos_acceptance"
	SuspendRenewalWithCancel SuspensionReason = "renewal_with_cancel"
	SuspendOther             SuspensionReason = "other"
)

// RenewalOption says what happens at the end date.
type RenewalOption string

const (
	RenewAuto     RenewalOption = "auto_renew"
	RenewManually RenewalOption = "renew_manually"
	CancelAtEnd   RenewalOption = "cancel_at_end"
)

// ProductFamily groups SKUs; a transfer moves one family together.
type ProductFamily string

const (
	FamilyWorkspace    ProductFamily = "workspace"
	FamilyMeetHardware ProductFamily = "meet_hardware"
	FamilyChrome       ProductFamily = "chrome"
	FamilyVoice        ProductFamily = "voice"
	FamilyCloud        ProductFamily = "cloud"
	FamilyOffice365    ProductFamily = "office365"
	FamilyOnPrem       ProductFamily = "onprem"
)

// Product is a catalogue SKU.
type Product struct {
	ID              int64
	SKU             string
	Name            string
	Family          ProductFamily
	MaxQuantity     int
	Versions        TextArray `gorm:"type:text[]"`
	Languages       TextArray `gorm:"type:text[]"`
	Bitness         TextArray `gorm:"type:text[]"`
	DowngradeRights bool
}

// Subscription is an entitlement (SPEC §2).
type Subscription struct {
	ID                int64
	CustomerID        int64
	ConsoleID         *int64
	ProductID         int64
	Quantity          int
	Plan              Plan
	Channel           SubChannel
	Status            SubStatus
	SuspensionReasons TextArray `gorm:"type:text[]"`
	StartDate         time.Time
	EndDate           time.Time
	RenewalOption     RenewalOption
	BillingAccountID  *int64
	PONumber          string `gorm:"column:po_number"`
	DistributorName   string
	FirstInvoiceDate  *time.Time
	EndedAt           *time.Time // issue 9: when it ended (cancel now, expiry)
	CancelledAt       *time.Time // issue 9: when cancellation was asked
	TrialBillingSetUp bool       // issue 9: a trial whose billing is set up
	ExpiredAt         *time.Time // issue 11: when its term's end began (expired)
	DisabledAt        *time.Time // issue 11: when it was disabled
	DeletedAt         *time.Time // issue 11: when it was deleted (deprovisioned)
	CreatedAt         time.Time
	UpdatedAt         time.Time

	Product *Product `gorm:"foreignKey:ProductID"`
}

// FirstTermEnd is the last day of a first term of plan starting on start:
// a month for flexible plans and trials, a year otherwise.
func FirstTermEnd(start time.Time, plan Plan) time.Time {
	if plan == PlanFlexible || plan == PlanTrial {
		return Day(start).AddDate(0, 1, -1)
	}
	return Day(start).AddDate(1, 0, -1)
}

// SameSeller tells whether the subscription is sold by the console with id
// console (nil: the platform itself, direct).
func (s Subscription) SameSeller(console *int64) bool {
	if s.ConsoleID == nil || console == nil {
		return s.ConsoleID == nil && console == nil
	}
	return *s.ConsoleID == *console
}

// HasReason tells whether the subscription carries a suspension reason.
func (s Subscription) HasReason(r SuspensionReason) bool {
	for _, x := range s.SuspensionReasons {
		if x == string(r) {
			return true
		}
	}
	return false
}

// SubChange is one subscription before and after a decided change.
type SubChange struct {
	Before, After Subscription
}

// PlacementFacts is what placing an accepted offer's subscription needs.
type PlacementFacts struct {
	Offer    Offer    // the accepted offer
	Customer Customer // locked
	Product  Product
	// Existing are the customer's subscriptions of the offer's product,
	// whoever sells them, locked, oldest first.
	Existing []Subscription
	// Family are the customer's active subscriptions of the product's
	// family but of other products, locked: a transfer moves them too.
	Family []Subscription
}

// Placement is what accepting an offer does to the customer's
// subscriptions: Sub is created (Created) or moved (Moved holds it before
// and after); Ended are consolidated into Sub; FamilyMoved follow a
// transfer; Untouched are other sellers' subscriptions the offer may not
// take (issue 8 §9), listed so the customer can be shown them.
type Placement struct {
	Sub         Subscription
	Created     bool
	Moved       *SubChange
	Ended       []SubChange
	FamilyMoved []SubChange
	Untouched   []Subscription
}

// MayTakeOtherSellers tells whether accepting the offer may move or end a
// subscription another console (or the platform) sells: only a transfer
// token (R-TOK-1) or a Meet migration's consolidation (R-MEET-2 step 7,
// R-MEET-3) may. A plain offer creates the offering console's own
// subscription, or updates the one it already sells.
func (o Offer) MayTakeOtherSellers() bool { return o.TransferTokenID != nil || o.MigrationID != nil }

// PlaceSubscription decides R-OFF-3's subscription at now. Of the customer's
// subscriptions of the product that the offer may take, the offering
// console's own first (else the oldest) becomes the offer's: online,
// auto-renewing, with the offer's quantity, plan, billing account and PO;
// its term restarts when it was offline, on the grace plan or on another
// plan. The others it may take end (suspended, cancelled at their end):
// their licences are consolidated (R-MEET-2). With none to take, a new
// subscription is created. Without accepted terms the subscription is
// suspended pending_tos_acceptance (R-OFF-5). A transfer moves the family's
// other active subscriptions to the offering console too (R-TOK-1).
func PlaceSubscription(f PlacementFacts, now time.Time) Placement {
	var p Placement
	o := f.Offer
	var mine []Subscription
	for _, e := range f.Existing {
		if e.SameSeller(o.ConsoleID) || o.MayTakeOtherSellers() {
			mine = append(mine, e)
		} else {
			p.Untouched = append(p.Untouched, e)
		}
	}
	main := -1
	for i, e := range mine {
		if e.SameSeller(o.ConsoleID) {
			main = i
			break
		}
	}
	if main < 0 && len(mine) > 0 {
		main = 0
	}
	if main >= 0 {
		sub := mine[main]
		before := sub
		before.SuspensionReasons = append(TextArray{}, sub.SuspensionReasons...)
		if sub.Channel == SubOffline || sub.Plan == PlanGrace || sub.Plan != o.Plan {
			sub.StartDate = Day(o.StartDate)
			sub.EndDate = FirstTermEnd(o.StartDate, o.Plan)
		}
		sub.ConsoleID = o.ConsoleID
		sub.Quantity, sub.Plan, sub.Channel = o.Quantity, o.Plan, SubOnline
		sub.RenewalOption = RenewAuto
		sub.BillingAccountID = o.BillingAccountID
		sub.PONumber = o.PONumber
		sub.Status, sub.SuspensionReasons = SubActive, TextArray{}
		sub.UpdatedAt = now
		p.Sub = sub
		p.Moved = &SubChange{Before: before}
		for i, e := range mine {
			if i == main || e.Status != SubActive && e.HasReason(SuspendOther) {
				continue
			}
			ch := SubChange{Before: e}
			ch.Before.SuspensionReasons = append(TextArray{}, e.SuspensionReasons...)
			Suspend(&e, SuspendOther)
			e.RenewalOption = CancelAtEnd
			e.UpdatedAt = now
			ch.After = e
			p.Ended = append(p.Ended, ch)
		}
	} else {
		p.Created = true
		p.Sub = Subscription{CustomerID: f.Customer.ID, ConsoleID: o.ConsoleID, ProductID: o.ProductID, Quantity: o.Quantity,
			Plan: o.Plan, Channel: SubOnline, Status: SubActive, SuspensionReasons: TextArray{},
			StartDate: Day(o.StartDate), EndDate: FirstTermEnd(o.StartDate, o.Plan), RenewalOption: RenewAuto,
			BillingAccountID: o.BillingAccountID, PONumber: o.PONumber, CreatedAt: now, UpdatedAt: now}
	}
	if f.Product.Family == FamilyMeetHardware {
		fi := FirstInvoiceDate(p.Sub.StartDate)
		p.Sub.FirstInvoiceDate = &fi
	}
	if f.Customer.TOSAcceptedAt == nil {
		Suspend(&p.Sub, SuspendPendingTOS)
	}
	if p.Moved != nil {
		p.Moved.After = p.Sub
	}
	if o.TransferTokenID != nil && o.ConsoleID != nil {
		for _, e := range f.Family {
			if e.ID == p.Sub.ID || e.ProductID == o.ProductID || e.Status != SubActive || e.SameSeller(o.ConsoleID) {
				continue
			}
			ch := SubChange{Before: e}
			e.ConsoleID = o.ConsoleID
			e.UpdatedAt = now
			ch.After = e
			p.FamilyMoved = append(p.FamilyMoved, ch)
		}
	}
	return p
}

// PlacementEffect says what accepting an offer does to one subscription.
type PlacementEffect string

const (
	PlaceCreated   PlacementEffect = "created"
	PlaceUpdated   PlacementEffect = "updated"
	PlaceEnded     PlacementEffect = "ended"
	PlaceFollows   PlacementEffect = "follows"
	PlaceUntouched PlacementEffect = "untouched"
)

// Label says the effect to the customer before it accepts.
func (e PlacementEffect) Label() string {
	switch e {
	case PlaceCreated:
		return "A new subscription is created with the offer's quantity, plan and price."
	case PlaceUpdated:
		return "This subscription takes the offer's quantity, plan and price, sold by the offering reseller."
	case PlaceEnded:
		return "This subscription ends at its end date: its licences are consolidated into the offer's subscription."
	case PlaceFollows:
		return "This subscription of the same product group moves to the offering reseller with the transfer."
	case PlaceUntouched:
		return "Not changed: it stays with whoever sells it today."
	}
	return string(e)
}

// PlacementLine is one subscription and what accepting does to it: the
// subscription as it is today (for a new one, as it will be).
type PlacementLine struct {
	Effect PlacementEffect
	Sub    Subscription
}

// Lines lists the placement for the customer: the offer's subscription
// first, then the ones that end, follow a transfer, or stay as they are.
func (p Placement) Lines() []PlacementLine {
	var out []PlacementLine
	if p.Created {
		out = append(out, PlacementLine{PlaceCreated, p.Sub})
	} else if p.Moved != nil {
		out = append(out, PlacementLine{PlaceUpdated, p.Moved.Before})
	}
	for _, c := range p.Ended {
		out = append(out, PlacementLine{PlaceEnded, c.Before})
	}
	for _, c := range p.FamilyMoved {
		out = append(out, PlacementLine{PlaceFollows, c.Before})
	}
	for _, s := range p.Untouched {
		out = append(out, PlacementLine{PlaceUntouched, s})
	}
	return out
}

// PlacementRow is a PlacementLine with the names the offer page shows.
type PlacementRow struct {
	PlacementLine
	ProductName string
	SellerName  string // "" when the platform sells it directly
}
