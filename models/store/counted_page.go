package store

import (
	"gorm.io/gorm"

	"partnerconsole/models"
)

// countedFirstPage is a list's first page read as the customers list reads
// it, in one statement: the sort keys of up to limit+1 matching rows (keys:
// the filtered query selecting its sort keys in its order), counted by a
// window, the first PageSize+1 of them kept in order (order: over k). The caller joins its rows to k
// (k.id) and selects k.list_total with them.
func countedFirstPage(db, keys *gorm.DB, order string, limit int) *gorm.DB {
	inner := keys.Limit(limit + 1)
	counted := db.Table("(?) AS k", inner).
		Select("k.*, count(*) OVER () AS list_total").Order(order).Limit(models.PageSize + 1)
	return db.Table("(?) AS k", counted).Order(order)
}

// finishPage cuts the PageSize+1 rows read to a page, takes its count
// (models.PageCount: counted on a first page, carried by the cursor on a
// later one; recount only for a cursor carrying none) and puts the count
// in the next page's cursor.
func finishPage[R any](rows []R, after models.Cursor, has bool, counted int64, limit int,
	cursor func(R) models.Cursor, recount func() (int64, bool, error)) (models.Page[R], error) {
	var page models.Page[R]
	full := len(rows) > models.PageSize
	if full {
		rows = rows[:models.PageSize]
	}
	page.Items = rows
	total, many, again := models.PageCount(after, has, counted, limit)
	if again {
		var err error
		if total, many, err = recount(); err != nil {
			return page, err
		}
	}
	page.Total, page.Many = total, many
	if full {
		next := cursor(rows[len(rows)-1])
		next.N = models.CarryCount(total, many)
		page.Next = next.Encode()
	}
	return page, nil
}
