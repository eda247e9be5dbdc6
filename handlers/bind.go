package handlers

import (
	"errors"
	"net/http"
	"reflect"
	"strings"

	"github.com/labstack/echo/v4"

	"partnerconsole/models"
)

// bind fills a form struct (package forms) from the posted form with echo's
// binder, then trims the spaces around every text field except those tagged
// `trim:"no"` (passwords). A body over the size limit is 413; a body echo
// cannot read at all is 400.
func bind(c echo.Context, form any) error {
	if err := c.Bind(form); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return echo.ErrStatusRequestEntityTooLarge
		}
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he
		}
		return echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
	}
	trimFields(reflect.ValueOf(form).Elem())
	return nil
}

func trimFields(v reflect.Value) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf, fv := t.Field(i), v.Field(i)
		switch {
		case sf.Anonymous && fv.Kind() == reflect.Struct:
			trimFields(fv)
		case fv.Kind() == reflect.String && sf.Tag.Get("form") != "" && sf.Tag.Get("trim") != "no" && fv.CanSet():
			fv.SetString(strings.TrimSpace(fv.String()))
		}
	}
}

// formFailure tells how a form answers a store error: bad input is 422 with
// messages on the fields; a lost race (the record changed meanwhile) is 409
// with the message on the whole form; throttling is 429. ok is false for any
// other error, which goes to the error page. Either way the form is shown
// again with what the user typed.
func formFailure(err error) (status int, errs models.FieldErrors, ok bool) {
	if fe, ok := models.AsValidation(err); ok {
		return http.StatusUnprocessableEntity, fe, true
	}
	var e *models.Error
	if errors.As(err, &e) {
		switch e.Code {
		case models.CodeConflict:
			return http.StatusConflict, models.FieldErrors{"_form": e.Message}, true
		case models.CodeTooMany:
			return http.StatusTooManyRequests, models.FieldErrors{"_form": e.Message}, true
		}
	}
	return 0, nil, false
}
