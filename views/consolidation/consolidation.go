// Package consolidation renders console consolidation (issue 12, SPEC §8):
// the connections of a main console and its sources, the source's review of
// an invitation, and the source's Manage customer migrations page.
package consolidation

import (
	"fmt"
	"strings"
	"time"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/views"
	"partnerconsole/views/components"
)

// View is the Console consolidation page.
type View struct {
	Form        forms.ConsoleInviteForm
	Connections []models.ConnectionRow
	Facts       []models.ConsoleFacts
	ConsoleID   int64
	Now         time.Time
}

// ReviewView is one connection, as the source reviews it.
type ReviewView struct {
	Connection models.ConnectionRow
	ConsoleID  int64
	Now        time.Time
}

// MigrationsView is the source's Manage customer migrations page.
type MigrationsView struct {
	Connection *models.ConnectionRow
	Rows       []models.MigrationRow
	Now        time.Time
	CanMigrate bool
	Form       forms.MigrationStartForm
	Results    []models.BulkResult
}

// isSource tells whether a console can still become a source: it has no
// open connection as a source.
func (v View) isSource() bool {
	for _, c := range v.Connections {
		if c.SourceConsoleID == v.ConsoleID && c.Open() {
			return true
		}
	}
	return false
}

func (v MigrationsView) rows(state models.CustomerMigrationState) []models.MigrationRow {
	var out []models.MigrationRow
	for _, r := range v.Rows {
		if r.State == state {
			out = append(out, r)
		}
	}
	return out
}

func connectionsTable(p views.Page, v View) components.TableSpec {
	return components.TableSpec{
		TestID:  "connections",
		Caption: p.Tr("Connected consoles"),
		Columns: []components.Column{
			{Label: p.Tr("Console")},
			{Label: p.Tr("Role")},
			{Label: p.Tr("Status")},
			{Label: p.Tr("Customers can be migrated from")},
			{Label: p.Tr("Actions")},
		},
		Rows:  len(v.Connections),
		Empty: components.Empty(p, "No connected consoles", "Add a source console by its account id to start consolidating."),
	}
}

func factsTable(p views.Page, v View) components.TableSpec {
	return components.TableSpec{
		TestID:  "console-facts",
		Caption: p.Tr("Facts for choosing the main console"),
		Columns: []components.Column{
			{Label: p.Tr("Console")},
			{Label: p.Tr("Google Cloud contract plan and Google Voice subscriptions")},
			{Label: p.Tr("Customers")},
			{Label: p.Tr("Billing account currencies")},
		},
		Rows: len(v.Facts),
	}
}

func migrationsTable(p views.Page, id, caption string, n int) components.TableSpec {
	return components.TableSpec{
		TestID:  id,
		Caption: p.Tr(caption),
		Columns: []components.Column{
			{Label: p.Tr("Customer")},
			{Label: p.Tr("Details")},
			{Label: p.Tr("Checked")},
			{Label: p.Tr("Actions")},
		},
		Rows:  n,
		Empty: components.Empty(p, "No customers", "Customers of your console are listed here once readiness is checked."),
	}
}

func other(c models.ConnectionRow, me int64) string {
	if c.MainConsoleID == me {
		return c.SourceName + " (" + c.SourceRID + ")"
	}
	return c.MainName + " (" + c.MainRID + ")"
}

func roleOf(p views.Page, c models.ConnectionRow, me int64) string {
	if c.MainConsoleID == me {
		return p.Tr("Source console")
	}
	return p.Tr("Main console")
}

func migratableFrom(p views.Page, c models.ConnectionRow) string {
	if c.State != models.ConnAccepted {
		return "—"
	}
	return p.T.DateTime(c.MigratableFrom())
}

func closeConfirm(p views.Page, c models.ConnectionRow) components.Confirm {
	q, ok := p.Tr("Close this connection?"), p.Tr("Close connection")
	if c.State == models.ConnSent {
		q = p.Tr("Cancel this invitation?")
	}
	return components.Confirm{
		ID:       fmt.Sprintf("close-connection-%d", c.ID),
		Action:   fmt.Sprintf("/console/consolidation/%d/close", c.ID),
		Class:    "inline",
		Question: q,
		Detail:   p.Tr("Customers can no longer be migrated over this connection. Customers already migrated stay where they are."),
		OK:       ok,
	}
}

// reason explains one not-ready reason.
func reason(p views.Page, r models.NotReadyReason) string {
	switch r.Code {
	case models.ReasonWaiting:
		if r.Until != nil {
			return p.Tr("Waiting period not over: customers can be migrated from {{.Date}}.", "Date", p.T.DateTime(*r.Until))
		}
		return p.Tr("Waiting period not over: the invitation is not accepted yet.")
	case models.ReasonUnsupported:
		return p.Tr("{{.Subscription}} cannot be migrated: Google Cloud contract plans and Google Voice stay in this console.", "Subscription", r.Subscription)
	case models.ReasonNoBillingAcct:
		return p.Tr("The main console has no billing account in {{.Currency}} for {{.Subscription}}: the currency cannot change.", "Currency", r.Currency, "Subscription", r.Subscription)
	}
	return r.Code
}

// age says how old a readiness judgement is.
func age(p views.Page, now, at time.Time) string {
	d := now.Sub(at)
	if d < time.Hour {
		return p.Tr("{{.Minutes}} min ago", "Minutes", int(d.Minutes()))
	}
	return p.Tr("{{.Hours}} h ago", "Hours", int(d.Hours()))
}

func currencies(list []string) string {
	if len(list) == 0 {
		return "—"
	}
	return strings.Join(list, ", ")
}

func cancelConfirm(p views.Page, r models.MigrationRow) components.Confirm {
	return components.Confirm{
		ID:       fmt.Sprintf("cancel-migration-%d", r.CustomerID),
		Action:   fmt.Sprintf("/console/consolidation/migrations/%d/cancel", r.CustomerID),
		Class:    "inline",
		Question: p.Tr("Cancel this customer's migration?"),
		Detail:   p.Tr("The customer stays in this console and is listed as ready to migrate again."),
		OK:       p.Tr("Confirm cancel"),
	}
}

func resultsTable(p views.Page, v MigrationsView) components.TableSpec {
	return components.TableSpec{
		TestID:  "migration-results",
		Caption: p.Tr("Result per customer"),
		Columns: []components.Column{{Label: p.Tr("Customer")}, {Label: p.Tr("Result")}},
		Rows:    len(v.Results),
	}
}

func resultName(r models.BulkResult) string {
	if r.Name == "" {
		return fmt.Sprintf("#%d", r.CustomerID)
	}
	return r.Name
}

// IncomingView is the main console's Complete migration page (R-CON-7): the
// migrations the sources started and the main's billing accounts.
type IncomingView struct {
	Rows     []models.IncomingMigration
	Accounts []models.MigrationAccount
	Form     forms.MigrationCompleteForm
	Results  []models.BulkResult
}

// currencyAccounts groups the main's billing accounts by currency, in order.
func (v IncomingView) currencyAccounts() [][]models.MigrationAccount {
	var out [][]models.MigrationAccount
	for _, a := range v.Accounts {
		if n := len(out); n > 0 && out[n-1][0].Currency == a.Currency {
			out[n-1] = append(out[n-1], a)
			continue
		}
		out = append(out, []models.MigrationAccount{a})
	}
	return out
}

func incomingTable(p views.Page, n int) components.TableSpec {
	return components.TableSpec{
		TestID:  "incoming",
		Caption: p.Tr("Migrations started by source consoles"),
		Columns: []components.Column{{Label: p.Tr("Customer")}, {Label: p.Tr("Source console")}, {Label: p.Tr("Status")}},
		Rows:    n,
		Empty:   components.Empty(p, "No migrations started", "Customers a source console starts migrating to your console are listed here."),
	}
}

func incomingResultsTable(p views.Page, n int) components.TableSpec {
	return components.TableSpec{
		TestID:  "complete-results",
		Caption: p.Tr("Result per customer"),
		Columns: []components.Column{{Label: p.Tr("Customer")}, {Label: p.Tr("Result")}},
		Rows:    n,
	}
}

func accountLabel(a models.MigrationAccount) string {
	return a.Name + " — " + a.LegalEntity
}

func batchTable(p views.Page, n int) components.TableSpec {
	return components.TableSpec{
		TestID:  "complete-results",
		Caption: p.Tr("Result per customer"),
		Columns: []components.Column{{Label: p.Tr("Customer")}, {Label: p.Tr("Result")}},
		Rows:    n,
	}
}

func progressDone(b models.MigrationBatch) int {
	n, _ := b.Progress()
	return n
}

// progressText is "n of N customers, d done, f failed".
func progressText(p views.Page, b models.MigrationBatch) string {
	n, total := b.Progress()
	done, failed := b.Counts()
	return p.Tr("{{.N}} of {{.Total}} customers: {{.Done}} done, {{.Failed}} failed.", "N", n, "Total", total, "Done", done, "Failed", failed)
}

func itemName(it models.MigrationBatchItem) string {
	if it.Name == "" {
		return fmt.Sprintf("#%d", it.CustomerID)
	}
	return it.Name
}
