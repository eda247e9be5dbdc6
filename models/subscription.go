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
var Plans = []Plan{PlanFlexible, PlanAnnualMonthly, PlanAnnualPrepaid, PlanTrial}

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
	CreatedAt         time.Time
	UpdatedAt         time.Time

	Product *Product `gorm:"foreignKey:ProductID"`
}
