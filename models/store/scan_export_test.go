package store

import "gorm.io/gorm"

// FindRows is findRows, for the tests that hold it to GORM's Find.
func FindRows[T any](q *gorm.DB, capacity int) ([]T, error) { return findRows[T](q, capacity) }
