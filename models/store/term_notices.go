package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// Renewal notices (issue 11, R-PK-3, R-NOTE-2): 60, 30, 7 and 1 days before
// a subscription's end date, its customer's admins and its partner of
// record's admins are told, in the app and by email in their language.
// Each notice is a renewal_notices row, UNIQUE per subscription, term,
// notice and recipient: a recipient is notified only when this run inserted
// the row (ON CONFLICT DO NOTHING RETURNING), so re-runs and replicas send
// each notice once. Commitments (annual terms) get a notice each, marked;
// monthly roll-overs go into one digest per recipient.

// partnerAdmins are the partner users told about renewals and the end of a
// term: the console's administrators.
func partnerAdmins() []models.Role {
	return []models.Role{models.RoleSuperAdmin, models.RoleAdminAgent}
}

// partnerOfRecordSQL is the console told about a subscription s of customer
// c: its partner of record, else the customer's console.
const partnerOfRecordSQL = `COALESCE(s.partner_of_record_console_id, c.console_id)`

// noticeDueSQL is models.RenewalNoticeDue in SQL, on the days left before
// s.end_date at the date parameter: the run skips subscriptions whose due
// notice is already recorded.
func noticeDueSQL() string {
	days := models.RenewalNoticeDays()
	var b strings.Builder
	b.WriteString("CASE")
	for i := len(days) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, " WHEN s.end_date - CAST(@today AS date) <= %d THEN %d", days[i], days[i])
	}
	b.WriteString(" END")
	return b.String()
}

type renewalCandidate struct {
	models.RenewalItem
	CustomerID int64
	PartnerID  *int64
}

type renewalRecipient struct {
	ID             int64
	OrganisationID int64
	Role           models.Role
}

// SendRenewalNotices is the daily job: it records and sends every renewal
// notice due today that was not sent yet, and returns how many notice rows
// (subscription × recipient) it recorded.
func (s *Store) SendRenewalNotices(ctx context.Context) (int, error) {
	sent := 0
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		// One run at a time; the UNIQUE row still guards a run that slips by.
		if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext('renewal_notices'))").Error; err != nil {
			return fmt.Errorf("lock renewal notices: %w", err)
		}
		today := models.Day(now)
		last := models.RenewalNoticeDays()[0]
		var cands []renewalCandidate
		if err := tx.Raw(`SELECT s.id AS subscription_id, s.customer_id, s.plan, s.quantity, s.end_date,
			c.name AS customer_name, p.name AS product_name, `+partnerOfRecordSQL+` AS partner_id
			FROM subscriptions s JOIN customers c ON c.id = s.customer_id JOIN products p ON p.id = s.product_id
			WHERE s.status = 'active' AND s.plan NOT IN ('trial', 'grace')
			  AND s.end_date > CAST(@today AS date) AND s.end_date <= CAST(@today AS date) + CAST(@last AS int)
			  AND NOT EXISTS (SELECT 1 FROM renewal_notices rn WHERE rn.subscription_id = s.id AND rn.end_date = s.end_date
			                  AND rn.days_before = `+noticeDueSQL()+`)
			ORDER BY s.id`, map[string]any{"today": today, "last": last}).Scan(&cands).Error; err != nil {
			return fmt.Errorf("load renewal notices due: %w", err)
		}
		if len(cands) == 0 {
			return nil
		}
		byOrg, err := renewalRecipients(tx, cands)
		if err != nil {
			return err
		}
		var sends []models.RenewalSend
		for _, c := range cands {
			due, ok := models.RenewalNoticeDue(c.EndDate, now)
			if !ok {
				continue
			}
			c.DaysBefore = due
			users := append([]int64{}, byOrg[c.CustomerID]...)
			if c.PartnerID != nil {
				users = append(users, byOrg[*c.PartnerID]...)
			}
			for _, uid := range uniqueIDs(users) {
				var inserted []int64
				if err := tx.Raw(`INSERT INTO renewal_notices (subscription_id, end_date, days_before, user_id, commitment, sent_at)
					VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
					c.SubscriptionID, models.Day(c.EndDate), due, uid, c.Commitment(), now).Scan(&inserted).Error; err != nil {
					return fmt.Errorf("record renewal notice: %w", err)
				}
				if len(inserted) == 1 {
					sends = append(sends, models.RenewalSend{UserID: uid, Item: c.RenewalItem})
				}
			}
		}
		sent = len(sends)
		return notifyRenewals(tx, now, sends, byOrg)
	})
	return sent, err
}

// renewalRecipients loads the customers' admins and the partners' admins
// of the candidates, by organisation.
func renewalRecipients(tx *gorm.DB, cands []renewalCandidate) (map[int64][]int64, error) {
	var customers, partners []int64
	for _, c := range cands {
		customers = append(customers, c.CustomerID)
		if c.PartnerID != nil {
			partners = append(partners, *c.PartnerID)
		}
	}
	var rows []renewalRecipient
	q := tx.Table("users").Select("id, organisation_id, role").Where("disabled_at IS NULL").
		Where("(organisation_id IN ? AND role IN ?) OR (organisation_id IN ? AND role IN ?)",
			uniqueIDs(customers), customerAdmins(), append(uniqueIDs(partners), 0), partnerAdmins())
	if err := q.Order("id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("load renewal notice recipients: %w", err)
	}
	out := map[int64][]int64{}
	for _, r := range rows {
		out[r.OrganisationID] = append(out[r.OrganisationID], r.ID)
	}
	return out, nil
}

// notifyRenewals writes each recipient's notices: a marked notice per
// commitment, written last so that the newest-first list shows them first,
// and one digest of the roll-overs.
func notifyRenewals(tx *gorm.DB, now time.Time, sends []models.RenewalSend, byOrg map[int64][]int64) error {
	if len(sends) == 0 {
		return nil
	}
	var ids []int64
	for _, sd := range sends {
		ids = append(ids, sd.UserID)
	}
	var roles []renewalRecipient
	if err := tx.Table("users").Select("id, organisation_id, role").Where("id IN ?", uniqueIDs(ids)).Scan(&roles).Error; err != nil {
		return fmt.Errorf("load recipients' roles: %w", err)
	}
	portal := map[int64]string{}
	for _, r := range roles {
		portal[r.ID] = r.Role.Portal()
	}
	for _, r := range models.GroupRenewalNotices(sends) {
		p := portal[r.UserID]
		if len(r.RollOvers) > 0 {
			if err := notifyUsers(tx, now, []int64{r.UserID}, rollOverDigest(p, r.RollOvers, now)); err != nil {
				return err
			}
		}
		for i := len(r.Commitments) - 1; i >= 0; i-- {
			if err := notifyUsers(tx, now, []int64{r.UserID}, commitmentNotice(p, r.Commitments[i], now)); err != nil {
				return err
			}
		}
	}
	return nil
}

// commitmentNotice is one commitment's renewal notice (R-NOTE-2): marked,
// it says what locks and until when, and links to the renewal option.
func commitmentNotice(portal string, it models.RenewalItem, now time.Time) Notice {
	return Notice{Kind: models.NoticeRenewal,
		Title: "Commitment: {{.Product}} for {{.Customer}} reaches its end date in {{.Days}} days",
		Body:  "Subscription #{{.ID}} ends on {{.End}}. If it renews, its {{.Seats}} licences are locked for a year, until {{.Locks}}: check the renewal option before then. Renewing by direct billing starts the new term at once.",
		Args: []any{"Product", it.ProductName, "Customer", it.CustomerName, "Days", -models.DaysPastEnd(it.EndDate, now),
			"ID", it.SubscriptionID, "End", isoDate(it.EndDate), "Seats", it.Quantity, "Locks", isoDate(it.LocksUntil())},
		Link: fmt.Sprintf("%s/subscriptions/%d#renewal", portal, it.SubscriptionID)}
}

// rollOverDigest is the day's one notice of monthly roll-overs.
func rollOverDigest(portal string, items []models.RenewalItem, now time.Time) Notice {
	parts := make([]string, 0, len(items))
	for _, it := range items {
		parts = append(parts, fmt.Sprintf("%s, %s (#%d, %s)", it.ProductName, it.CustomerName, it.SubscriptionID,
			models.Day(it.EndDate).Format(time.DateOnly)))
	}
	link := "/admin"
	if portal == "/console" {
		link = "/console/renewals"
	}
	return Notice{Kind: models.NoticeRenewal,
		Title: "Monthly roll-overs: {{.Count}} subscriptions reach their end date soon",
		Body:  "These monthly subscriptions roll over month to month and lock nothing: {{.List}}.",
		Args:  []any{"Count", len(items), "List", strings.Join(parts, "; ")}, Link: link}
}

// isoDate is a date argument of a notice: stored as YYYY-MM-DD, shown as a
// date in the reader's locale (an instant would shift with the time zone).
func isoDate(t time.Time) string { return models.Day(t).Format(time.DateOnly) }
