// Package models is the domain: records, states, rules and error codes.
// It is pure Go: no SQL, no HTTP.
package models

import (
	"errors"
	"fmt"
)

// Code says what kind of failure an Error is; the web layer maps each code
// to one HTTP status in one place.
type Code string

const (
	CodeInvalid      Code = "invalid"      // 422: bad input, message on a field
	CodeNotFound     Code = "not_found"    // 404: unknown or foreign id
	CodeConflict     Code = "conflict"     // 409: lost a race or wrong state
	CodeForbidden    Code = "forbidden"    // 403: the role may not do this
	CodeUnauthorized Code = "unauthorized" // 401: not signed in
	CodeTooMany      Code = "too_many"     // 429: throttled
	CodeInternal     Code = "internal"     // 500: logged, never shown
)

// Error is a coded domain error. Field names the form field the message
// belongs to, when there is one. Message is a translation key with an English
// default; views translate it.
type Error struct {
	Code    Code
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds a coded error.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound is the one answer for unknown and foreign ids alike.
func NotFound() *Error { return &Error{Code: CodeNotFound, Message: "Not found."} }

// Forbidden is the answer for a role that may not do something.
func Forbidden() *Error {
	return &Error{Code: CodeForbidden, Message: "You are not allowed to do this."}
}

// ErrorCode returns the code of err: invalid for a ValidationError,
// CodeInternal for foreign errors.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var v *ValidationError
	if errors.As(err, &v) {
		return CodeInvalid
	}
	return CodeInternal
}

// FieldErrors collects per-field messages of one form.
type FieldErrors map[string]string

// Add records the first message for a field.
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns a ValidationError when any field failed, else nil.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}

// ValidationError carries every bad field of one form.
type ValidationError struct{ Fields FieldErrors }

func (v *ValidationError) Error() string {
	return fmt.Sprintf("invalid: %v", map[string]string(v.Fields))
}

// AsValidation extracts field messages from err: a ValidationError, or an
// invalid Error with a Field.
func AsValidation(err error) (FieldErrors, bool) {
	var v *ValidationError
	if errors.As(err, &v) {
		return v.Fields, true
	}
	var e *Error
	if errors.As(err, &e) && e.Code == CodeInvalid {
		f := e.Field
		if f == "" {
			f = "_form"
		}
		return FieldErrors{f: e.Message}, true
	}
	return nil, false
}
