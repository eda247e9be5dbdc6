package models

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Tier says whether a reseller buys directly (one-tier) or through a
// distributor (two-tier).
type Tier string

const (
	TierDirect  Tier = "direct"
	TierTwoTier Tier = "two_tier"
)

// Console is a reseller's account (SPEC §2).
type Console struct {
	ID               int64
	Name             string
	PublicResellerID string
	Country          string
	DefaultCurrency  string
	Tier             Tier
	DistributorName  string
	Status           string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	// CloudEssentials: the desk enrolled the console in the cloud-essentials
	// programme, which lets it offer delegated admin (R-PK-2).
	CloudEssentials bool
}

// ConsoleInput is what the desk types to onboard a reseller, with its first
// super admin.
type ConsoleInput struct {
	Name            string
	Country         string
	DefaultCurrency string
	Tier            Tier
	DistributorName string
	AdminName       string
	AdminEmail      string
	AdminPassword   string
}

// Normalize trims and canonicalises.
func (in *ConsoleInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.DefaultCurrency = strings.ToUpper(strings.TrimSpace(in.DefaultCurrency))
	in.DistributorName = strings.TrimSpace(in.DistributorName)
	in.AdminName = strings.TrimSpace(in.AdminName)
	in.AdminEmail = NormalizeEmail(in.AdminEmail)
	if in.Tier == TierDirect {
		in.DistributorName = ""
	}
}

// Validate checks every field.
func (in ConsoleInput) Validate() error {
	f := FieldErrors{}
	if in.Name == "" {
		f.Add("name", "Enter the console's name.")
	} else if utf8.RuneCountInString(in.Name) > 200 {
		f.Add("name", "The name is at most 200 characters.")
	}
	if !ValidCountry(in.Country) {
		f.Add("country", "Choose a country from the list.")
	}
	if !ValidCurrency(in.DefaultCurrency) {
		f.Add("default_currency", "Choose an ISO 4217 currency, e.g. EUR.")
	}
	switch in.Tier {
	case TierDirect:
	case TierTwoTier:
		if in.DistributorName == "" {
			f.Add("distributor_name", "A two-tier reseller needs its distributor's name.")
		}
	default:
		f.Add("tier", "Choose one-tier or two-tier.")
	}
	admin := UserInput{Name: in.AdminName, Email: in.AdminEmail, Password: in.AdminPassword, Role: RoleSuperAdmin}
	if v, ok := AsValidation(admin.Validate(OrgConsole, true)); ok {
		for k, m := range v {
			f.Add("admin_"+k, m)
		}
	}
	return f.Err()
}

// BillingAccount belongs to a console and bills in one currency.
type BillingAccount struct {
	ID          int64
	ConsoleID   int64
	Name        string
	Currency    string
	LegalEntity string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// BillingAccountInput is the billing account form.
type BillingAccountInput struct {
	Name        string
	Currency    string
	LegalEntity string
}

// Normalize trims and upper-cases the currency.
func (in *BillingAccountInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	in.LegalEntity = strings.TrimSpace(in.LegalEntity)
}

// Validate checks every field.
func (in BillingAccountInput) Validate() error {
	f := FieldErrors{}
	if in.Name == "" {
		f.Add("name", "Enter a name for the billing account.")
	} else if utf8.RuneCountInString(in.Name) > 200 {
		f.Add("name", "The name is at most 200 characters.")
	}
	if !ValidCurrency(in.Currency) {
		f.Add("currency", "Choose an ISO 4217 currency, e.g. EUR.")
	}
	if in.LegalEntity == "" {
		f.Add("legal_entity", "Enter the legal entity that is billed.")
	} else if utf8.RuneCountInString(in.LegalEntity) > 200 {
		f.Add("legal_entity", "The legal entity is at most 200 characters.")
	}
	return f.Err()
}

// ConsoleFilter narrows the desk's consoles list.
type ConsoleFilter struct {
	Query string // name or public reseller id
	Sort  CustomerSort
}
