package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/views"
	"partnerconsole/views/consolidation"
)

func (h *H) consolidationPage(c echo.Context, status int, f forms.ConsoleInviteForm) error {
	a := mustActor(c)
	list, err := h.Store.ListConnections(ctx(c), a)
	if err != nil {
		return err
	}
	facts, err := h.Store.ConsolidationFacts(ctx(c), a)
	if err != nil {
		return err
	}
	v := consolidation.View{Form: f, Connections: list, Facts: facts, ConsoleID: a.OrgID, Now: h.Store.Now()}
	return Render(c, status, consolidation.Page(h.page(c, "Console consolidation"), v))
}

// Consolidation is the Console consolidation page (R-CON-1, R-CON-2): the
// seed's advice for choosing the main console, the connections, Add console.
func (h *H) Consolidation(c echo.Context) error {
	return h.consolidationPage(c, http.StatusOK, forms.ConsoleInviteForm{})
}

// InviteConsole adds a source console by its account id: Save and invite.
func (h *H) InviteConsole(c echo.Context) error {
	var f forms.ConsoleInviteForm
	if err := bind(c, &f); err != nil {
		return err
	}
	_, err := h.Store.InviteConsole(ctx(c), mustActor(c), f.ResellerID)
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		return h.consolidationPage(c, status, f)
	}
	if err != nil {
		return err
	}
	return h.redirect(c, "/console/consolidation", "Sent, awaiting acceptance.")
}

// ConsoleConnection is one connection: the source reviews the invitation
// (who the main console is, what will happen, the 7-day wait).
func (h *H) ConsoleConnection(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	row, err := h.Store.GetConnection(ctx(c), mustActor(c), id)
	if err != nil {
		return err
	}
	v := consolidation.ReviewView{Connection: row, ConsoleID: mustActor(c).OrgID, Now: h.Store.Now()}
	return Render(c, http.StatusOK, consolidation.Review(h.page(c, "Review the connection invitation"), v))
}

// AcceptConnection accepts the invitation (R-CON-2).
func (h *H) AcceptConnection(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Store.AcceptConnection(ctx(c), mustActor(c), id); err != nil {
		return h.consolidationConflict(c, err, fmt.Sprintf("/console/consolidation/%d", id))
	}
	return h.redirect(c, "/console/consolidation", "Invitation accepted, console connected.")
}

// CloseConnection closes the connection or cancels the invitation.
func (h *H) CloseConnection(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Store.CloseConnection(ctx(c), mustActor(c), id); err != nil {
		return h.consolidationConflict(c, err, "/console/consolidation")
	}
	return h.redirect(c, "/console/consolidation", "Connection closed.")
}

// CustomerMigrations is the source's Manage customer migrations page
// (R-CON-5): Ready to migrate and Not ready, with details and age.
func (h *H) CustomerMigrations(c echo.Context) error {
	return h.migrationsPage(c, http.StatusOK, consolidation.MigrationsView{})
}

func (h *H) migrationsPage(c echo.Context, status int, v consolidation.MigrationsView) error {
	a := mustActor(c)
	conn, rows, err := h.Store.CustomerMigrations(ctx(c), a)
	if err != nil {
		return err
	}
	v.Connection, v.Rows, v.Now, v.CanMigrate = conn, rows, h.Store.Now(), a.Can(models.PermMigrateCustomers)
	return Render(c, status, consolidation.Migrations(h.page(c, "Manage customer migrations"), v))
}

// StartMigrations starts the selected customers' migrations and shows a
// result per customer (R-CON-6, R-BULK-1).
func (h *H) StartMigrations(c echo.Context) error {
	var f forms.MigrationStartForm
	if err := bind(c, &f); err != nil {
		return err
	}
	res, err := h.Store.StartMigrations(ctx(c), mustActor(c), f.CustomerIDs)
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		return h.migrationsPage(c, status, consolidation.MigrationsView{Form: f})
	}
	if err != nil {
		return err
	}
	return h.migrationsPage(c, http.StatusOK, consolidation.MigrationsView{Results: res})
}

// CancelMigration returns a started migration to Ready (R-CON-6).
func (h *H) CancelMigration(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Store.CancelMigration(ctx(c), mustActor(c), id); err != nil {
		return h.consolidationConflict(c, err, "/console/consolidation/migrations")
	}
	return h.redirect(c, "/console/consolidation/migrations", "Migration cancelled: the customer is ready again.")
}

// RefreshReadiness recomputes one customer's readiness at once.
func (h *H) RefreshReadiness(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Store.RefreshReadiness(ctx(c), mustActor(c), id); err != nil {
		return h.consolidationConflict(c, err, "/console/consolidation/migrations")
	}
	return h.redirect(c, "/console/consolidation/migrations", "Readiness refreshed.")
}

// consolidationConflict turns a lost race (already accepted, closed) into a
// message; other errors go to the error page.
func (h *H) consolidationConflict(c echo.Context, err error, back string) error {
	var e *models.Error
	if !errors.As(err, &e) || e.Code != models.CodeConflict {
		return err
	}
	h.Sessions.Flash(c, views.Flash{Kind: "error", Text: Translator(c).T(e.Message)})
	return c.Redirect(http.StatusSeeOther, back)
}

// IncomingMigrations is the main console's Complete migration page
// (R-CON-7): the migrations its sources started.
func (h *H) IncomingMigrations(c echo.Context) error {
	return h.incomingPage(c, http.StatusOK, consolidation.IncomingView{})
}

func (h *H) incomingPage(c echo.Context, status int, v consolidation.IncomingView) error {
	rows, accts, err := h.Store.IncomingMigrations(ctx(c), mustActor(c))
	if err != nil {
		return err
	}
	v.Rows, v.Accounts = rows, accts
	return Render(c, status, consolidation.Incoming(h.page(c, "Complete customer migrations"), v))
}

// CompleteMigrations queues the completion of the selected migrations as a
// background batch (R-CON-7, R-BULK-1) and shows its progress page; a wrong
// form is shown again with its errors and queues nothing.
func (h *H) CompleteMigrations(c echo.Context) error {
	var f forms.MigrationCompleteForm
	if err := bind(c, &f); err != nil {
		return err
	}
	id, err := h.Store.QueueCompleteMigrations(ctx(c), mustActor(c), f.CustomerIDs, f.AccountIDs, bool(f.ConfirmLegalEntity))
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		return h.incomingPage(c, status, consolidation.IncomingView{Form: f})
	}
	if err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/console/consolidation/incoming/batches/%d", id), "Migrating: the customers are moved one by one in the background.")
}

// MigrationBatch is a bulk completion's page: n of N, live (htmx polls the
// progress while customers are pending), and a result per customer
// (R-BULK-1). An htmx poll gets the progress alone.
func (h *H) MigrationBatch(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	b, err := h.Store.MigrationBatch(ctx(c), mustActor(c), id)
	if err != nil {
		return err
	}
	p := h.page(c, "Completing customer migrations")
	if c.Request().Header.Get("HX-Request") == "true" {
		return Render(c, http.StatusOK, consolidation.BatchProgress(p, b))
	}
	return Render(c, http.StatusOK, consolidation.Batch(p, b))
}
