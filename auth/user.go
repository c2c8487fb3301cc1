package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/internal/database"
	"github.com/digital-inclusion/refurb/internal/pgcode"
	"github.com/digital-inclusion/refurb/validation"
)

// User is a person who signs in to Refurb.
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID           int64  `bun:"id,pk,autoincrement"`
	Email        string `bun:"email"`
	Name         string `bun:"name"`
	Role         Role   `bun:"role"`
	PasswordHash string `bun:"password_hash"`
	DonorID      *int64 `bun:"donor_id"`
	PartnerID    *int64 `bun:"partner_id"`
	// Coordinator marks the social worker who sees all of their organisation's requests.
	Coordinator bool `bun:"coordinator"`
	// TraineeID links a TRAINEE account to the trainee's record in workshops.
	TraineeID *int64 `bun:"trainee_id"`
	// Language is the language the user picked with the pages' switch (fr, de, en, pt, ar), nil
	// until they pick one: pages and e-mails use it.
	Language   *string    `bun:"language"`
	DisabledAt *time.Time `bun:"disabled_at"`
	CreatedAt  time.Time  `bun:"created_at,nullzero,notnull,default:current_timestamp"`
	UpdatedAt  time.Time  `bun:"updated_at,nullzero,notnull,default:current_timestamp"`
}

// Actor returns the actor this user acts as.
func (u *User) Actor() Actor {
	a := Actor{UserID: u.ID, Role: u.Role}
	if u.DonorID != nil {
		a.DonorID = *u.DonorID
	}
	if u.PartnerID != nil {
		a.PartnerID = *u.PartnerID
	}
	if u.TraineeID != nil {
		a.TraineeID = *u.TraineeID
	}
	a.Coordinator = u.Coordinator
	return a
}

// NewUser is what it takes to create a user.
type NewUser struct {
	Email    string
	Name     string
	Role     Role
	Password string
	// DonorID links a DONOR user to the donor they act for; required for that role, refused
	// for the others.
	DonorID *int64
	// PartnerID links a SOCIAL_WORKER user to their partner organisation.
	PartnerID *int64
	// Coordinator makes a SOCIAL_WORKER their organisation's coordinator.
	Coordinator bool
	// TraineeID links a TRAINEE user to the trainee's record (optional for that role).
	TraineeID *int64
}

// NormalizeEmail trims and lower-cases an e-mail address: addresses are unique whatever their
// case, and the database stores them lower-cased.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func (n NewUser) validate() error {
	email := NormalizeEmail(n.Email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		return validation.Field("email", "%q is not an e-mail address", n.Email)
	}
	name := strings.TrimSpace(n.Name)
	if name == "" || len(name) > 200 {
		return validation.Field("name", "a name of 1 to 200 characters is required")
	}
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return validation.Field("name", "the name contains control characters")
	}
	if !n.Role.Valid() {
		return validation.Field("role", "unknown role %q", n.Role)
	}
	if len(n.Password) < MinPasswordLength || len(n.Password) > MaxPasswordLength {
		return validation.Field("password", "a password of %d to %d characters is required", MinPasswordLength, MaxPasswordLength)
	}
	if n.Role.TakesDonor() != (n.DonorID != nil) {
		return validation.Field("donorID", "a DONOR user needs the donor they act for, and only a DONOR user has one")
	}
	if n.PartnerID != nil && !n.Role.TakesPartner() {
		return validation.Field("partnerID", "only a SOCIAL_WORKER user belongs to a partner organisation")
	}
	if n.Coordinator && n.PartnerID == nil {
		return validation.Field("coordinator", "a coordinator is a SOCIAL_WORKER of a partner organisation")
	}
	if n.TraineeID != nil && !n.Role.TakesTrainee() {
		return validation.Field("traineeID", "only a TRAINEE user is linked to a trainee")
	}
	return nil
}

// CreateUser creates a user. Only an administrator (or the command line) may.
func (s *Service) CreateUser(ctx context.Context, n NewUser) (*User, error) {
	actor, err := Require(ctx, Admins)
	if err != nil {
		return nil, err
	}
	if err := n.validate(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return nil, err
	}
	u := &User{Email: NormalizeEmail(n.Email), Name: strings.TrimSpace(n.Name), Role: n.Role, PasswordHash: hash, DonorID: n.DonorID, PartnerID: n.PartnerID,
		Coordinator: n.Coordinator, TraineeID: n.TraineeID}
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(u).Returning("*").Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				if strings.Contains(err.Error(), "users_trainee_key") {
					return validation.Field("traineeID", "this trainee already has an account")
				}
				return fmt.Errorf("e-mail address %w", ErrConflict)
			}
			if isForeignKeyViolation(err) {
				return linkError(err)
			}
			return fmt.Errorf("insert user: %w", err)
		}
		return s.audit(ctx, tx, actor, "user.created", u.ID, map[string]any{"role": u.Role})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// SetPassword replaces a user's password. Administrators may set anyone's, users their own.
func (s *Service) SetPassword(ctx context.Context, userID int64, password string) error {
	actor, err := Require(ctx)
	if err != nil {
		return err
	}
	if actor.Role != RoleAdmin && actor.UserID != userID {
		return ErrForbidden
	}
	if len(password) < MinPasswordLength || len(password) > MaxPasswordLength {
		return validation.Field("password", "a password of %d to %d characters is required", MinPasswordLength, MaxPasswordLength)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*User)(nil)).
			Set("password_hash = ?", hash).Set("updated_at = now()").
			Where("id = ?", userID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("update password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return s.audit(ctx, tx, actor, "user.password_changed", userID, nil)
	})
}

// SetDisabled disables or re-enables a user. A disabled user's sessions and tokens stop
// working at their next request.
func (s *Service) SetDisabled(ctx context.Context, userID int64, disabled bool) error {
	actor, err := Require(ctx, Admins)
	if err != nil {
		return err
	}
	if disabled && actor.UserID == userID {
		return validation.Field("id", "you cannot disable your own account")
	}
	defer s.cache.forgetUser(userID)
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Model((*User)(nil)).Set("updated_at = now()").Where("id = ?", userID)
		action := "user.enabled"
		if disabled {
			q = q.Set("disabled_at = now()")
			action = "user.disabled"
		} else {
			q = q.Set("disabled_at = NULL")
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return s.audit(ctx, tx, actor, action, userID, nil)
	})
}

// User returns a user by id. Users may read themselves; staff and administrators anyone.
func (s *Service) User(ctx context.Context, id int64) (*User, error) {
	actor, err := Require(ctx)
	if err != nil {
		return nil, err
	}
	if actor.UserID != id && !actor.In(Office) {
		return nil, ErrForbidden
	}
	return s.userByID(ctx, id)
}

// UsersByID returns users by id as the actor may see them, for the names shown on timelines,
// wipe records and repairs. Administrators and staff see everyone. Others see only workshop
// users (administrators, staff, trainees) and themselves, and other people's e-mail addresses are
// blanked: a trainee needs a colleague's name, not their address.
func (s *Service) UsersByID(ctx context.Context, ids []int64) (map[int64]*User, error) {
	actor, err := Require(ctx)
	if err != nil {
		return nil, err
	}
	var us []User
	q := s.db.NewSelect().Model(&us).Where("id IN (?)", bun.List(ids))
	full := actor.In(Office)
	if !full {
		q = q.Where("(role IN (?) OR id = ?)", bun.List(Workshop.Roles()), actor.UserID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("select users: %w", err)
	}
	out := make(map[int64]*User, len(us))
	for i := range us {
		u := &us[i]
		u.PasswordHash = ""
		if !full && u.ID != actor.UserID {
			u.Email = ""
		}
		out[u.ID] = u
	}
	return out, nil
}

// Me returns the signed-in user, or nil when the request is anonymous.
func (s *Service) Me(ctx context.Context) (*User, error) {
	actor, ok := ActorFrom(ctx)
	if !ok || actor.System {
		return nil, nil
	}
	return s.userByID(ctx, actor.UserID)
}

// sessionUser is userByID for the session of every request, through the credential cache.
func (s *Service) sessionUser(ctx context.Context, id int64) (*User, error) {
	if u, ok := s.cache.user(id); ok {
		return u, nil
	}
	u, err := s.userByID(ctx, id)
	if err == nil {
		s.cache.putUser(u)
	}
	return u, err
}

func (s *Service) userByID(ctx context.Context, id int64) (*User, error) {
	u := new(User)
	// Every request with a session runs this: one prepared statement (see hotRow).
	err := s.hotRow(ctx, `SELECT id, email, name, role, password_hash, donor_id, partner_id, coordinator, trainee_id, language, disabled_at, created_at, updated_at
		FROM users WHERE id = $1`, id).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.DonorID, &u.PartnerID, &u.Coordinator, &u.TraineeID, &u.Language, &u.DisabledAt, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("select user: %w", err)
	}
	return u, nil
}

// UserByEmail returns a user by e-mail address (any case). Administrators only.
func (s *Service) UserByEmail(ctx context.Context, email string) (*User, error) {
	if _, err := Require(ctx, Admins); err != nil {
		return nil, err
	}
	u := new(User)
	err := s.db.NewSelect().Model(u).Where("email = ?", NormalizeEmail(email)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("select user: %w", err)
	}
	return u, nil
}

// Users lists every user by e-mail address. Administrators only.
func (s *Service) Users(ctx context.Context) ([]User, error) {
	if _, err := Require(ctx, Admins); err != nil {
		return nil, err
	}
	var us []User
	if err := s.db.NewSelect().Model(&us).Order("email").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select users: %w", err)
	}
	return us, nil
}

// UserQuery picks a page of users for the administration page.
type UserQuery struct {
	Search string // part of the e-mail address or of the name, in any case; empty for all
	Role   Role   // empty for every role
	After  string // the e-mail address the previous page ended with; empty for the first page
	Limit  int    // users a page: DefaultUserPage when 0, at most MaxUserPage
}

// Page sizes of FindUsers.
const (
	DefaultUserPage = 50
	MaxUserPage     = 200
)

// UserPage is a page of users by e-mail address, and where the next one starts.
type UserPage struct {
	Users []User
	Next  string // the After of the next page; empty on the last page
}

// FindUsers returns a page of the users q picks, by e-mail address (keyset paging on the
// unique address: a page costs the same at the first user as at the ten-thousandth).
// Administrators only.
func (s *Service) FindUsers(ctx context.Context, q UserQuery) (UserPage, error) {
	if _, err := Require(ctx, Admins); err != nil {
		return UserPage{}, err
	}
	switch {
	case q.Limit == 0:
		q.Limit = DefaultUserPage
	case q.Limit < 0 || q.Limit > MaxUserPage:
		return UserPage{}, validation.Field("limit", "must be between 1 and %d", MaxUserPage)
	}
	if q.Role != "" && !q.Role.Valid() {
		return UserPage{}, validation.Field("role", "%q is not a role", q.Role)
	}
	var us []User
	sel := s.db.NewSelect().Model(&us).Order("email").Limit(int64(q.Limit + 1))
	if search := strings.TrimSpace(q.Search); search != "" {
		pattern := database.Contains(search)
		sel.Where("(email ILIKE ? OR name ILIKE ?)", pattern, pattern)
	}
	if q.Role != "" {
		sel.Where("role = ?", q.Role)
	}
	if q.After != "" {
		sel.Where("email > ?", q.After)
	}
	if err := sel.Scan(ctx); err != nil {
		return UserPage{}, fmt.Errorf("select users: %w", err)
	}
	page := UserPage{Users: us}
	if len(us) > q.Limit {
		page.Users = us[:q.Limit]
		page.Next = page.Users[q.Limit-1].Email
	}
	return page, nil
}

// CountUsers returns how many users exist; the server creates a first administrator when none do.
func (s *Service) CountUsers(ctx context.Context) (int, error) {
	n, err := s.db.NewSelect().Model((*User)(nil)).Count(ctx)
	return int(n), err
}

func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == pgcode.ForeignKeyViolation
}

// linkError names the link of a new user that points nowhere, from the foreign key the
// database refused.
func linkError(err error) error {
	_, pgErr := pgcode.Of(err)
	switch {
	case pgErr != nil && strings.Contains(pgErr.ConstraintName, "partner"):
		return validation.Field("partnerID", "no such partner organisation")
	case pgErr != nil && strings.Contains(pgErr.ConstraintName, "trainee"):
		return validation.Field("traineeID", "no such trainee")
	}
	return validation.Field("donorID", "no such donor")
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == pgcode.UniqueViolation
}
