package store

import (
	"database/sql"
	"fmt"
	"reflect"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// findRows runs q and returns its rows as T, like q.Find(&rows), for the
// lists' pages. GORM's Find scans every column of every row into a freshly
// allocated pointer and copies it over by reflection: a fifth of the desk's
// case queue's allocations (issue 13, docs/BENCH.md). findRows matches the
// columns to T's fields once per query through GORM's own (cached) schema
// of T — the same column names and tags Find uses — and then scans each row
// straight into its fields. A column no field of T takes is an error, never
// silently dropped; a field no column fills keeps its zero value, as with
// Find.
func findRows[T any](q *gorm.DB, capacity int) ([]T, error) {
	plan := &gorm.Statement{DB: q}
	if err := plan.Parse(new(T)); err != nil {
		return nil, fmt.Errorf("scan rows: %w", err)
	}
	if q.Statement.Model == nil && q.Statement.Table == "" {
		q = q.Model(new(T)) // as Find takes the table from its destination
	}
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	cells := make([]fieldCell, len(cols))
	dest := make([]any, len(cols))
	for i, c := range cols {
		f := plan.Schema.LookUpField(c)
		if f == nil || f.StructField.Index[0] < 0 || f.Serializer != nil {
			return nil, fmt.Errorf("scan rows: column %q has no plain field in %T", c, *new(T))
		}
		cells[i].field = f
		dest[i] = &cells[i]
	}
	ctx := q.Statement.Context
	out := make([]T, 0, capacity)
	for rows.Next() {
		out = append(out, *new(T))
		row := reflect.ValueOf(&out[len(out)-1]).Elem()
		for i := range cells {
			cells[i].dst = cells[i].field.ReflectValueOf(ctx, row)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// fieldCell scans one column into the field it points at: a NULL leaves the
// zero value (as Find does), a value is set in place without an allocation,
// a field that is a sql.Scanner scans itself.
type fieldCell struct {
	field *schema.Field
	dst   reflect.Value // the field in the current row, addressable
}

func (c *fieldCell) Scan(src any) error {
	dst := c.dst
	if dst.Kind() == reflect.Pointer { // a nullable column: nil for NULL
		if src == nil {
			dst.SetZero()
			return nil
		}
		dst.Set(reflect.New(dst.Type().Elem()))
		dst = dst.Elem()
	}
	if s, ok := dst.Addr().Interface().(sql.Scanner); ok {
		return s.Scan(src)
	}
	if src == nil {
		dst.SetZero()
		return nil
	}
	switch v := src.(type) {
	case string:
		if dst.Kind() == reflect.String {
			dst.SetString(v)
			return nil
		}
	case []byte:
		switch {
		case dst.Kind() == reflect.String:
			dst.SetString(string(v))
			return nil
		case dst.Kind() == reflect.Slice && dst.Type().Elem().Kind() == reflect.Uint8:
			dst.SetBytes(append([]byte(nil), v...))
			return nil
		}
	case int64:
		switch dst.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if !dst.OverflowInt(v) {
				dst.SetInt(v)
				return nil
			}
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if v >= 0 && !dst.OverflowUint(uint64(v)) {
				dst.SetUint(uint64(v))
				return nil
			}
		case reflect.Float32, reflect.Float64:
			dst.SetFloat(float64(v))
			return nil
		}
	case float64:
		if dst.Kind() == reflect.Float32 || dst.Kind() == reflect.Float64 {
			dst.SetFloat(v)
			return nil
		}
	case bool:
		if dst.Kind() == reflect.Bool {
			dst.SetBool(v)
			return nil
		}
	case time.Time:
		if dst.Type() == reflect.TypeFor[time.Time]() {
			dst.Set(reflect.ValueOf(v))
			return nil
		}
	}
	return fmt.Errorf("scan column %s: cannot store %T in %s", c.field.DBName, src, dst.Type())
}

// scanListRows reads the rows of a list that names its columns (the hot
// lists scan by hand: no reflection at all): fields gives a row's
// destinations in the list's column order, and when total is not nil the
// list_total column after them is read into it.
func scanListRows[R any](rows *sql.Rows, capacity int, total *int64, fields func(*R) []any) ([]R, error) {
	defer rows.Close()
	out := make([]R, 0, capacity)
	for rows.Next() {
		var r R
		dest := fields(&r)
		if total != nil {
			dest = append(dest, total)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
