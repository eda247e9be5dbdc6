package models

// PageCount is a keyset page's capped count, kept as the customers list
// keeps it: a first page (has false) counts in its own statement (counted:
// the window's count of up to limit+1 matching rows, 0 for an empty page)
// and a later page shows the count its cursor carries (CarriedCount), so a
// deep page never counts. Only a later page whose cursor carries no count
// (a link made before counts were carried) must count again: recount.
func PageCount(after Cursor, has bool, counted int64, limit int) (total int64, many, recount bool) {
	if !has {
		if counted > int64(limit) {
			return int64(limit), true, false
		}
		return counted, false, false
	}
	if total, many, ok := CarriedCount(after); ok {
		return total, many, false
	}
	return 0, false, true
}
