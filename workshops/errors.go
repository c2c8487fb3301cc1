package workshops

import (
	"errors"
	"fmt"

	"github.com/digital-inclusion/refurb/validation"
)

var (
	// ErrNotFound means the trainee, programme, session or entry does not exist, or the actor
	// may not know it exists.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a unique value is taken or a row changed since it was read.
	ErrConflict = errors.New("changed by someone else since you read it")
	// ErrAnonymised means the trainee's record is anonymised (docs/workshops.md, "Retention"):
	// it does not change and nothing new is recorded about it. A field error on traineeID, so
	// that every front end shows it.
	ErrAnonymised error = &validation.FieldError{Field: "traineeID", Message: "the trainee's record is anonymised: nothing more can be recorded about it"}
)

// Rule names a rule of hour entries and attendance (docs/workshops.md), so that pages can say
// it in the trainee's language.
type Rule string

// The rules.
const (
	RuleMinutes     Rule = "minutes"      // minutes must be more than 0 (and at most 12 hours)
	RuleFuture      Rule = "future"       // no hours in the future
	RuleDayCap      Rule = "day_cap"      // at most 12 hours a day
	RuleOverlap     Rule = "overlap"      // entries with a start time may not overlap
	RuleOwnEntry    Rule = "own_entry"    // nobody reviews what they logged
	RuleReason      Rule = "reason"       // a rejection says why
	RuleSessionFull Rule = "session_full" // a session holds at most its capacity
)

// RuleError says that an hour entry, a review or an attendance breaks a rule. It is a field
// error too (errors.As finds the *validation.FieldError), so front ends that know no rules show
// its message by the field.
type RuleError struct {
	Rule    Rule
	Field   string // the input field it is about
	Message string
}

func (e *RuleError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Message) }

// Unwrap makes a RuleError a *validation.FieldError for errors.As.
func (e *RuleError) Unwrap() error { return &validation.FieldError{Field: e.Field, Message: e.Message} }

// TransitionError says that a review is not allowed: the entry is no longer pending.
type TransitionError struct {
	EntryID  int64
	From, To Status
	Reason   string
}

func (e *TransitionError) Error() string {
	if e.From == "" {
		return "hour entry not reviewed: " + e.Reason
	}
	return fmt.Sprintf("hour entry %d is %s: it cannot become %s", e.EntryID, e.From, e.To)
}

// isConflict reports whether err is or wraps ErrConflict.
func isConflict(err error) bool { return errors.Is(err, ErrConflict) }
