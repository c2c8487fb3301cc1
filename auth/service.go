package auth

import (
	"time"

	"github.com/uptrace/bun"
)

// Limits bound login attempts. Failed attempts are counted in the audit log, so the limits hold
// across restarts and across several server instances.
type Limits struct {
	Window             time.Duration // how far back failed logins count
	FailuresPerAccount int           // failed logins for one e-mail address before it is locked for Window
	FailuresPerAddr    int           // failed logins from one client address before it is locked for Window
}

// DefaultLimits are the login limits used unless configured otherwise.
var DefaultLimits = Limits{Window: 15 * time.Minute, FailuresPerAccount: 5, FailuresPerAddr: 30}

// Service is the identity and access store.
type Service struct {
	db        bun.IDB
	limits    Limits
	dummyHash string // checked when a login names no account: unknown addresses take as long as wrong passwords
}

// NewService returns a Service that stores its data in db (connected as the application role).
func NewService(db bun.IDB, limits Limits) (*Service, error) {
	h, err := HashPassword("refurb: no such account")
	if err != nil {
		return nil, err
	}
	return &Service{db: db, limits: limits, dummyHash: h}, nil
}
