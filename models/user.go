package models

import (
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person who signs in; they belong to one organisation.
type User struct {
	ID                  int64
	OrganisationID      int64
	Email               string
	Name                string
	PasswordHash        string
	Role                Role
	CanAddCustomers     bool
	CanMigrateCustomers bool
	Locale              string
	TimeZone            string
	DisabledAt          *time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// Locales the interface speaks (R-I18N-1).
func Locales() []string {
	return []string{"en", "fr", "ja"}
}

// ValidLocale tells whether the interface speaks l.
func ValidLocale(l string) bool {
	for _, x := range Locales() {
		if x == l {
			return true
		}
	}
	return false
}

// UserInput is what a super admin types to add a user or change one.
type UserInput struct {
	Name                string
	Email               string
	Password            string
	Role                Role
	CanAddCustomers     bool
	CanMigrateCustomers bool
}

// Normalize trims fields.
func (in *UserInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Email = NormalizeEmail(in.Email)
}

// Validate checks a new user for an organisation kind. A password is needed
// only when creating.
func (in UserInput) Validate(kind OrgKind, creating bool) error {
	f := FieldErrors{}
	if in.Name == "" {
		f.Add("name", "Enter the person's name.")
	} else if utf8.RuneCountInString(in.Name) > 200 {
		f.Add("name", "The name is at most 200 characters.")
	}
	if creating {
		if in.Email == "" {
			f.Add("email", "Enter an email address.")
		} else if !ValidEmail(in.Email) {
			f.Add("email", "Enter a valid email address.")
		}
		if msg := ValidatePassword(in.Password); msg != "" {
			f.Add("password", msg)
		}
	}
	if in.Role.Kind() != kind {
		f.Add("role", "Choose a role from the list.")
	}
	return f.Err()
}

// TimeZones are the zones offered in the account page's picker; any IANA
// zone name is accepted.
func TimeZones() []string {
	return []string{
		"UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam", "Europe/Stockholm", "Europe/Zurich",
		"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto", "America/Vancouver",
		"Asia/Tokyo", "Asia/Singapore", "Asia/Kolkata", "Australia/Sydney", "Australia/Perth", "Pacific/Auckland",
	}
}

// SessionView is a session as its owner sees it in the list.
type SessionView struct {
	Ref        string // short opaque reference for "end this session"
	CreatedAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
	Current    bool
}
