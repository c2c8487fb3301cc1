package workshops

import (
	"time"

	"github.com/digital-inclusion/refurb/validation"
)

func mustDate(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func fieldIs(err error, field string) bool {
	fe, ok := validation.As(err)
	return ok && fe.Field == field
}
