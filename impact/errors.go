package impact

import (
	"database/sql"
	"errors"
	"fmt"
)

// ErrNotFound means the donor does not exist or the actor may not see it.
var ErrNotFound = errors.New("not found")

// dbErr wraps a database error with what was being done.
func dbErr(doing string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return fmt.Errorf("%s: %w", doing, err)
}
