package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/validation"
)

// Links are what a user acts for, beyond their role: a DONOR user's donor, a SOCIAL_WORKER's
// partner organisation (and whether they coordinate it), a TRAINEE's record in workshops. The
// administration page sets them with SetLinks; NewUser carries the same at creation.
type Links struct {
	DonorID     *int64
	PartnerID   *int64
	Coordinator bool
	TraineeID   *int64
}

// Links returns the user's links.
func (u *User) Links() Links {
	return Links{DonorID: u.DonorID, PartnerID: u.PartnerID, Coordinator: u.Coordinator, TraineeID: u.TraineeID}
}

// validate checks links against the role they are for, with the rules NewUser checks.
func (l Links) validate(role Role) error {
	return NewUser{Email: "x@x.x", Name: "x", Role: role, Password: strings.Repeat("x", MinPasswordLength),
		DonorID: l.DonorID, PartnerID: l.PartnerID, Coordinator: l.Coordinator, TraineeID: l.TraineeID}.validate()
}

// SetLinks replaces what a user acts for (Links), checked against their role as at creation.
// Administrators only; the change is in the audit log with the new links.
func (s *Service) SetLinks(ctx context.Context, userID int64, l Links) (*User, error) {
	actor, err := Require(ctx, Admins)
	if err != nil {
		return nil, err
	}
	u := new(User)
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(u).Where("id = ?", userID).For("UPDATE").Scan(ctx); err != nil {
			return ErrNotFound
		}
		if err := l.validate(u.Role); err != nil {
			return err
		}
		u.DonorID, u.PartnerID, u.Coordinator, u.TraineeID = l.DonorID, l.PartnerID, l.Coordinator, l.TraineeID
		if _, err := tx.NewUpdate().Model(u).Column("donor_id", "partner_id", "coordinator", "trainee_id").
			Set("updated_at = now()").WherePK().Returning("updated_at").Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return validation.Field("traineeID", "this trainee already has an account")
			}
			if isForeignKeyViolation(err) {
				return linkError(err)
			}
			return fmt.Errorf("update user links: %w", err)
		}
		return s.audit(ctx, tx, actor, "user.links_changed", userID, map[string]any{
			"donor_id": l.DonorID, "partner_id": l.PartnerID, "coordinator": l.Coordinator, "trainee_id": l.TraineeID,
		})
	})
	if err != nil {
		return nil, err
	}
	u.PasswordHash = ""
	return u, nil
}

// ResetPassword gives a user a new generated password and returns it, to be shown once to the
// administrator who hands it over. Administrators only; audited as a password change.
func (s *Service) ResetPassword(ctx context.Context, userID int64) (string, error) {
	if _, err := Require(ctx, Admins); err != nil {
		return "", err
	}
	password := GeneratePassword()
	if err := s.SetPassword(ctx, userID, password); err != nil {
		return "", err
	}
	return password, nil
}

// Languages are the languages a user may choose for the pages and e-mails.
var Languages = []string{"fr", "de", "en", "pt", "ar"}

// SetLanguage records the language the signed-in user picked with the pages' switch, which
// pages and e-mails use from then on. An anonymous request records nothing.
func (s *Service) SetLanguage(ctx context.Context, language string) error {
	actor, ok := ActorFrom(ctx)
	if !ok || actor.System {
		return nil
	}
	if !slices.Contains(Languages, language) {
		return validation.Field("language", "must be one of %s", strings.Join(Languages, ", "))
	}
	_, err := s.db.NewUpdate().Model((*User)(nil)).Set("language = ?", language).
		Where("id = ? AND language IS DISTINCT FROM ?", actor.UserID, language).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update language: %w", err)
	}
	return nil
}
