package auth

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// Names returns the names of the users with the given ids, by id, read on db: another domain
// prints who did a piece of work (a wipe's operator and verifier on an erasure certificate)
// inside its own transaction without reading the users table itself. Disabled users keep
// their names, since the work they did stays theirs; unknown ids are left out. It reads names
// only and checks no actor: the caller has already decided that the actor may see the work.
func Names(ctx context.Context, db bun.IDB, ids ...int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64  `bun:"id"`
		Name string `bun:"name"`
	}
	if err := db.NewSelect().Table("users").Column("id", "name").Where("id IN (?)", bun.List(ids)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("select user names: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// Contact is how to reach a user: for the e-mails a domain leaves for the server to send.
type Contact struct {
	UserID   int64
	Email    string
	Name     string
	Language string // the language they picked, "" when none
	Disabled bool
}

// Contacts returns the contacts of the users with the given ids, by id, read on db. It checks
// no actor: the caller (the notification sender, acting as the system) decides who is told.
func Contacts(ctx context.Context, db bun.IDB, ids ...int64) (map[int64]Contact, error) {
	out := make(map[int64]Contact, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var us []User
	if err := db.NewSelect().Model(&us).Column("id", "email", "name", "language", "disabled_at").Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("select user contacts: %w", err)
	}
	for _, u := range us {
		c := Contact{UserID: u.ID, Email: u.Email, Name: u.Name, Disabled: u.DisabledAt != nil}
		if u.Language != nil {
			c.Language = *u.Language
		}
		out[u.ID] = c
	}
	return out, nil
}
