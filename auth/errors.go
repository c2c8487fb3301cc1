package auth

import (
	"errors"
	"fmt"
	"time"
)

// Errors that every front end maps to its own words (graph/errors.go to extensions.code).
var (
	// ErrUnauthenticated means the request carries no valid session or token.
	ErrUnauthenticated = errors.New("authentication required")
	// ErrForbidden means the actor is known but may not do this.
	ErrForbidden = errors.New("not allowed for your role")
	// ErrInvalidCredentials is the only answer to a failed login, whatever failed: a wrong
	// password, an unknown e-mail address, a disabled account or a lock-out.
	ErrInvalidCredentials = errors.New("invalid email or password")
	// ErrNotFound means the user or token does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a unique value (an e-mail address) is already taken.
	ErrConflict = errors.New("already exists")
)

// RateLimitError says that too many attempts came from one client; RetryAfter tells when to
// try again. Login lock-outs never use it (they answer ErrInvalidCredentials) so as not to
// reveal that an account exists.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("too many requests, retry in %s", e.RetryAfter.Round(time.Second))
}
