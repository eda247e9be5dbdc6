package models

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Channel says how a customer buys: directly from the platform, or through
// a reseller console.
type Channel string

const (
	ChannelDirect   Channel = "direct"
	ChannelReseller Channel = "reseller"
)

// Customer is a tenant organisation (SPEC §2).
type Customer struct {
	ID            int64
	ConsoleID     *int64
	Name          string
	Domain        string
	TenantID      uuid.UUID
	Country       string
	Channel       Channel
	ContactName   string
	ContactEmail  string
	ContactPhone  string
	TOSAcceptedAt *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// CustomerInput is what a partner types to add or edit a customer.
type CustomerInput struct {
	Name         string
	Domain       string
	Country      string
	ContactName  string
	ContactEmail string
	ContactPhone string
}

// Normalize trims every field and canonicalises domain, country and email.
func (in *CustomerInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Domain = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(in.Domain)), ".")
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.ContactName = strings.TrimSpace(in.ContactName)
	in.ContactEmail = NormalizeEmail(in.ContactEmail)
	in.ContactPhone = strings.TrimSpace(in.ContactPhone)
}

// Validate checks every field and returns all messages at once. Domain
// uniqueness is checked by the store (a unique index decides).
func (in CustomerInput) Validate() error {
	f := FieldErrors{}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		f.Add("name", "Enter the organisation name.")
	case n > 200:
		f.Add("name", "The organisation name is at most 200 characters.")
	}
	if in.Domain == "" {
		f.Add("domain", "Enter the primary domain, e.g. example.com.")
	} else if _, ok := NormalizeDomain(in.Domain); !ok {
		f.Add("domain", "Enter a valid domain name, e.g. example.com.")
	}
	if in.Country == "" {
		f.Add("country", "Choose a country.")
	} else if !ValidCountry(in.Country) {
		f.Add("country", "Choose a country from the list.")
	}
	if utf8.RuneCountInString(in.ContactName) > 200 {
		f.Add("contact_name", "The contact name is at most 200 characters.")
	}
	if in.ContactEmail != "" && !ValidEmail(in.ContactEmail) {
		f.Add("contact_email", "Enter a valid email address.")
	}
	if in.ContactPhone != "" && !phonePattern(in.ContactPhone) {
		f.Add("contact_phone", "Enter a phone number with digits, spaces, +, - or parentheses.")
	}
	return f.Err()
}

func phonePattern(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() .", r):
		default:
			return false
		}
	}
	return digits >= 6 && digits <= 20
}

// CustomerFilter narrows a customers list.
type CustomerFilter struct {
	Query   string // name, domain or tenant id
	Country string
	Channel Channel
	Sort    CustomerSort
}

// CustomerSort is a list order with an index behind it.
type CustomerSort string

const (
	SortByName    CustomerSort = "name"
	SortByCreated CustomerSort = "created"
)

// CustomerRow is a customers-list row: the customer and, on the desk, the
// name of the console it belongs to.
type CustomerRow struct {
	Customer
	ConsoleName string
	// NameKey is the stored lower(name) the list sorts on; the keyset cursor
	// takes it from the database, so Go's and PostgreSQL's lower-casing never
	// disagree (İ).
	NameKey string `gorm:"column:name_key"`
	// DelegatedAdmin: the customer granted the listing console delegated
	// admin (R-PK-2); such a customer is listed even when it buys through
	// another console (R-ROLE-6's exception).
	DelegatedAdmin bool `gorm:"column:delegated_admin"`
}
