package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/views/meet"
)

func isWindow(err error) bool {
	var we *models.WindowError
	return errors.As(err, &we)
}

// windowMessage shows a refused window's times in the user's time zone.
func windowMessage(c echo.Context, err error) string {
	var we *models.WindowError
	if !errors.As(err, &we) {
		return ""
	}
	tr := Translator(c)
	return tr.T(we.Message, "Opens", tr.DateTime(we.Opens), "Closes", tr.DateTime(we.Closes))
}

func meetBase(a models.Actor, customerID int64) (base, customerPage string) {
	if a.OrgKind == models.OrgCustomer {
		return "/admin/meet", "/admin"
	}
	p := fmt.Sprintf("%s/customers/%d", a.Role.Portal(), customerID)
	return p + "/meet", p
}

func (h *H) meetPage(c echo.Context, customerID int64, status int, f forms.MeetRequestForm, refusal string) error {
	a := mustActor(c)
	mv, err := h.Store.MeetStatus(ctx(c), a, customerID)
	if err != nil {
		return err
	}
	v := meet.View{MeetView: mv, Form: f, Refusal: refusal, Now: h.Store.Now()}
	v.Base, v.CustomerPage = meetBase(a, customerID)
	ps, err := h.Store.Products(ctx(c))
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.Family == models.FamilyMeetHardware {
			v.MeetProduct = p.ID
		}
	}
	return Render(c, status, meet.Page(h.page(c, "Google Meet hardware"), v))
}

// Meet is the eligibility check and migration tracker of one customer.
func (h *H) Meet(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return h.meetPage(c, id, http.StatusOK, forms.MeetRequestForm{}, "")
}

// MyMeet is the customer's own view of its Meet migration.
func (h *H) MyMeet(c echo.Context) error {
	return h.meetPage(c, mustActor(c).OrgID, http.StatusOK, forms.MeetRequestForm{}, "")
}

// meetStep runs one tracker action; refusals re-render the page with what
// the user ticked.
func (h *H) meetStep(c echo.Context, f forms.MeetRequestForm, run func(id int64) error, done string) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	err = run(id)
	switch {
	case err == nil:
		base, _ := meetBase(mustActor(c), id)
		return h.redirect(c, base, done)
	case isWindow(err):
		return h.meetPage(c, id, http.StatusUnprocessableEntity, f, windowMessage(c, err))
	}
	if fe, ok := models.AsValidation(err); ok {
		f.SetErrors(fe)
		return h.meetPage(c, id, http.StatusUnprocessableEntity, f, "")
	}
	var de *models.Error
	if errors.As(err, &de) && de.Code == models.CodeConflict {
		return h.meetPage(c, id, http.StatusConflict, f, Translator(c).T(de.Message))
	}
	return err
}

// StartMeet starts the migration (step 1).
func (h *H) StartMeet(c echo.Context) error {
	return h.meetStep(c, forms.MeetRequestForm{}, func(id int64) error {
		_, err := h.Store.StartMeetMigration(ctx(c), mustActor(c), id)
		return err
	}, "Migration started.")
}

// MeetRequest records step 2.
func (h *H) MeetRequest(c echo.Context) error {
	var f forms.MeetRequestForm
	if err := bind(c, &f); err != nil {
		return err
	}
	return h.meetStep(c, f, func(id int64) error {
		return h.Store.RecordCustomerRequest(ctx(c), mustActor(c), id, bool(f.OthersInformed), bool(f.DistributorInformed))
	}, "Step 2 recorded.")
}

// MeetCase files the support case of step 3, inside the 48–24 h window.
func (h *H) MeetCase(c echo.Context) error {
	return h.meetStep(c, forms.MeetRequestForm{}, func(id int64) error {
		_, err := h.Store.FileMeetCase(ctx(c), mustActor(c), id)
		return err
	}, "Support case filed. Support will convert the subscription to the online grace plan.")
}

// MeetShareID shares the public reseller id with the customer (step 5).
func (h *H) MeetShareID(c echo.Context) error {
	return h.meetStep(c, forms.MeetRequestForm{}, func(id int64) error {
		return h.Store.ShareResellerID(ctx(c), mustActor(c), id)
	}, "Public reseller id sent to the customer.")
}

// MeetConfirm confirms the subscription is visible (last step).
func (h *H) MeetConfirm(c echo.Context) error {
	return h.meetStep(c, forms.MeetRequestForm{}, func(id int64) error {
		return h.Store.ConfirmMeetMigration(ctx(c), mustActor(c), id)
	}, "Migration complete.")
}
