// Package validation describes bad input in a way every front end can show: which field is
// wrong and why. Domain packages return a *FieldError; graph turns it into BAD_USER_INPUT with the
// field in extensions, web shows the message next to the field.
package validation

import (
	"errors"
	"fmt"
)

// FieldError says that one input field is unacceptable.
type FieldError struct {
	Field   string // the input's field name as the client sent it, e.g. "email" or "input.devices[2].serialNumber"
	Message string // a sentence a user can act on
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Message) }

// Field returns a *FieldError for field with a formatted message.
func Field(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// As reports whether err is or wraps a *FieldError and returns it.
func As(err error) (*FieldError, bool) {
	var fe *FieldError
	ok := errors.As(err, &fe)
	return fe, ok
}
