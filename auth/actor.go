package auth

import (
	"context"
	"slices"
)

// Role is what a user may do. Values are stored in lower case in the database and shown in
// upper case in GraphQL.
type Role string

// The roles. Each user has exactly one.
const (
	RoleAdmin        Role = "admin"
	RoleStaff        Role = "staff"
	RoleTrainee      Role = "trainee"
	RoleDonor        Role = "donor"
	RoleSocialWorker Role = "social_worker"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdmin, RoleStaff, RoleTrainee, RoleDonor, RoleSocialWorker}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// TakesDonor reports whether a user of role r acts for a donor (and must name one).
func (r Role) TakesDonor() bool { return r == RoleDonor }

// TakesPartner reports whether a user of role r belongs to a partner organisation.
func (r Role) TakesPartner() bool { return r == RoleSocialWorker }

// TakesTrainee reports whether a user of role r may be linked to a trainee's record.
func (r Role) TakesTrainee() bool { return r == RoleTrainee }

// TakesLink reports whether a user of role r is linked to anything at all.
func (r Role) TakesLink() bool { return r.TakesDonor() || r.TakesPartner() || r.TakesTrainee() }

// Actor is who performs a request: a signed-in user, through a browser session or an API token.
type Actor struct {
	UserID    int64
	Role      Role
	DonorID   int64 // set for RoleDonor
	PartnerID int64 // set for RoleSocialWorker
	// Coordinator: a social worker who sees all of their organisation's requests.
	Coordinator bool
	TraineeID   int64 // set for a RoleTrainee account linked to a trainee's record
	TokenID     int64 // the API token used, zero for a browser session or the command line
	// System marks the command line run by whoever operates the server (refurb users create,
	// refurb demo): it acts as an administrator with no user behind it.
	System bool
}

// System returns a context in which the command line acts as an administrator.
func System(ctx context.Context) context.Context {
	return WithActor(ctx, Actor{Role: RoleAdmin, System: true})
}

type actorKey struct{}

// WithActor returns a context in which a is the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the context's actor and whether there is one.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok && (a.UserID != 0 || a.System)
}

// Require returns the actor if it belongs to one of groups (any signed-in actor when none are
// given), ErrUnauthenticated when there is no actor and ErrForbidden otherwise.
func Require(ctx context.Context, groups ...Group) (Actor, error) {
	a, ok := ActorFrom(ctx)
	if !ok {
		return Actor{}, ErrUnauthenticated
	}
	var g Group
	for _, x := range groups {
		g |= x
	}
	if len(groups) > 0 && !a.In(g) {
		return Actor{}, ErrForbidden
	}
	return a, nil
}
