package handlers

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"partnerconsole/models"
)

// listLinks are the links of a keyset-paged list: its base path, back to
// the first page, the next page ("" on the last) and the CSV export of the
// same filter.
type listLinks struct {
	Base, FirstURL, NextURL, CSVURL string
	OnFirst                         bool
}

// pagedList loads the page of a list at the request's cursor (?after=)
// and builds its links under base, keeping the other query parameters.
func pagedList[T any](c echo.Context, base string, load func(cursor string) (models.Page[T], error)) (models.Page[T], listLinks, error) {
	cursor := c.QueryParam("after")
	page, err := load(cursor)
	if err != nil {
		return page, listLinks{}, err
	}
	q := c.QueryParams()
	l := listLinks{Base: base, OnFirst: cursor == "", FirstURL: withQuery(base, q, "after", ""),
		CSVURL: withQuery(base+".csv", q, "after", "")}
	if page.Next != "" {
		l.NextURL = withQuery(base, q, "after", page.Next)
	}
	return page, l, nil
}

// exportCSV streams a CSV download named name-YYYYMMDD.csv (the store's
// clock): the header, then each row export hands to write. Once the first
// byte is out the status cannot change, so a failure midway is logged and
// the file ends there.
func (h *H) exportCSV(c echo.Context, name string, header []string, export func(write func(row ...string) error) error) error {
	c.Response().Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	c.Response().Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="%s-%s.csv"`, name, h.Store.Now().Format("20060102")))
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	err := w.Write(header)
	if err == nil {
		err = export(func(row ...string) error { return w.Write(row) })
	}
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err != nil {
		h.Log.Error("export "+name, "error", err)
	}
	return nil
}

// csvSafe defuses spreadsheet formulas in user-typed cells.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
