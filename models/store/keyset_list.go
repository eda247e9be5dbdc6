package store

import (
	"gorm.io/gorm"

	"partnerconsole/models"
)

// keysetList is a list's three parts, so its page and its CSV export are
// written once: the filtered query (built afresh for each use, since GORM
// statements are consumed), a batch of rows after a cursor, and the cursor
// of a row.
type keysetList[R any] struct {
	query  func() (*gorm.DB, error)
	rows   func(q *gorm.DB, after models.Cursor, has bool, limit int) ([]R, error)
	cursor func(R) models.Cursor
}

// exportBatch is how many rows an export reads at a time.
const exportBatch = 1000

// page is one keyset page after cursor: PageSize rows, the next cursor when
// there are more, and a capped count (none needed when a first page holds
// everything).
func (l keysetList[R]) page(cursor string) (models.Page[R], error) {
	var page models.Page[R]
	q, err := l.query()
	if err != nil {
		return page, err
	}
	after, has := models.DecodeCursor(cursor)
	rows, err := l.rows(q, after, has, models.PageSize+1)
	if err != nil {
		return page, err
	}
	if len(rows) > models.PageSize {
		rows = rows[:models.PageSize]
		page.Next = l.cursor(rows[len(rows)-1]).Encode()
	}
	page.Items = rows
	if !has && page.Next == "" {
		page.Total = int64(len(rows))
		return page, nil
	}
	if q, err = l.query(); err != nil {
		return page, err
	}
	page.Total, page.Many, err = cappedCount(q)
	return page, err
}

// export streams every row of the list, in batches.
func (l keysetList[R]) export(emit func(R) error) error {
	var after models.Cursor
	has := false
	for {
		q, err := l.query()
		if err != nil {
			return err
		}
		rows, err := l.rows(q, after, has, exportBatch)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		if len(rows) < exportBatch {
			return nil
		}
		after, has = l.cursor(rows[len(rows)-1]), true
	}
}
