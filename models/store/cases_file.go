package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// fileCase files a case for the actor's console inside the caller's
// transaction (the Meet migration files its case in its own transaction):
// it loads the console's currency and the customer, asks models.NewCase
// and, for a Meet hardware case, models.CheckMeetCaseFiling, then writes
// the case, the audit event and the desk's notices.
func (s *Store) fileCase(tx *gorm.DB, now time.Time, a models.Actor, in models.CaseInput) (models.SupportCase, error) {
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermFileCases) {
		return models.SupportCase{}, models.Forbidden()
	}
	if err := models.CanFileCaseType(a.Role, in.Type); err != nil {
		return models.SupportCase{}, err
	}
	var currency string
	if err := tx.Table("consoles").Select("default_currency").Where("id = ?", a.OrgID).Scan(&currency).Error; err != nil {
		return models.SupportCase{}, fmt.Errorf("file case: load console: %w", err)
	}
	if currency == "" {
		return models.SupportCase{}, models.NotFound()
	}
	c, err := models.NewCase(in, models.CaseFiler{ConsoleID: a.OrgID, Currency: currency, UserID: a.UserID, Name: a.Name}, now)
	if err != nil {
		return c, err
	}
	if c.CustomerID != nil {
		cust, err := lockCustomerFor(tx, a, *c.CustomerID)
		if err != nil {
			return c, err
		}
		if c.Type == models.CaseMeetOfflineToOnline {
			facts, err := meetFacts(tx, a, cust)
			if err != nil {
				return c, err
			}
			if err := models.CheckMeetCaseFiling(facts.Subs, now); err != nil {
				return c, err
			}
		}
		if err := checkRefundFiling(tx, c); err != nil {
			return c, err
		}
	}
	if err := tx.Create(&c).Error; err != nil {
		return c, fmt.Errorf("file case: %w", err)
	}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "case.filed", RecordType: "support_case", RecordID: c.ID, After: caseAudit(c), Orgs: []int64{a.OrgID}}); err != nil {
		return c, err
	}
	return c, notifyDeskExcept(tx, now, a.UserID, filedNotice(tx, c))
}

// FileCase files a support case with its attachments in one transaction.
func (s *Store) FileCase(ctx context.Context, a models.Actor, in models.CaseInput, files ...models.Upload) (models.SupportCase, error) {
	var c models.SupportCase
	checked, err := checkUploads(files)
	if err != nil {
		// Report every bad field at once: the form's and the files'.
		fe, ok := models.AsValidation(err)
		if !ok {
			return c, err
		}
		in2 := in
		in2.Normalize()
		if fe2, ok := models.AsValidation(in2.Validate(s.ConsoleCurrency(ctx, a))); ok {
			for k, v := range fe2 {
				fe.Add(k, v)
			}
		}
		return c, fe.Err()
	}
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if c, err = s.fileCase(tx, now, a, in); err != nil {
			return err
		}
		return saveAttachments(tx, now, a, c.ID, nil, checked)
	})
	return c, err
}
