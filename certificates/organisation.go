package certificates

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// organisation reads the settings org.*.
func organisation(ctx context.Context, db bun.IDB) (*Organisation, error) {
	var rows []struct {
		Key   string `bun:"key"`
		Value string `bun:"value"`
	}
	if err := db.NewSelect().Table("settings").ColumnExpr("key, value::text AS value").Where("key LIKE 'org.%'").Scan(ctx, &rows); err != nil {
		return nil, dbError("read organisation settings", err)
	}
	org := &Organisation{}
	for _, r := range rows {
		var err error
		switch r.Key {
		case "org.name":
			err = json.Unmarshal([]byte(r.Value), &org.Name)
		case "org.address":
			err = json.Unmarshal([]byte(r.Value), &org.Address)
		case "org.registration_number":
			err = json.Unmarshal([]byte(r.Value), &org.RegistrationNumber)
		case "org.logo":
			var l *struct {
				Type string `json:"type"`
				Data string `json:"data"`
			}
			if err = json.Unmarshal([]byte(r.Value), &l); err == nil && l != nil && l.Data != "" {
				data, derr := base64.StdEncoding.DecodeString(l.Data)
				if derr != nil {
					return nil, fmt.Errorf("setting org.logo: %w", derr)
				}
				org.Logo = &Logo{Type: l.Type, Data: data}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("setting %s: %w", r.Key, err)
		}
	}
	if strings.TrimSpace(org.Name) == "" {
		org.Name = "Refurb"
	}
	return org, nil
}

// Organisation returns the issuer printed on certificates.
func (s *Store) Organisation(ctx context.Context) (*Organisation, error) {
	return organisation(ctx, s.db)
}

// SetOrganisation changes the issuer printed on certificates issued from now on. A logo is a
// PNG or JPEG file of at most 512 KiB. Administrators only.
func (s *Store) SetOrganisation(ctx context.Context, org Organisation) error {
	if _, err := auth.Require(ctx, auth.Admins); err != nil {
		return err
	}
	org.Name = strings.TrimSpace(org.Name)
	if org.Name == "" || len([]rune(org.Name)) > 200 {
		return validation.Field("name", "must have between 1 and 200 characters")
	}
	values := map[string]any{"org.name": org.Name, "org.address": strings.TrimSpace(org.Address),
		"org.registration_number": strings.TrimSpace(org.RegistrationNumber), "org.logo": nil}
	if l := org.Logo; l != nil && len(l.Data) > 0 {
		if len(l.Data) > 512<<10 {
			return validation.Field("logo", "is larger than 512 KiB")
		}
		t := strings.ToLower(l.Type)
		if t != "png" && t != "jpg" && t != "jpeg" {
			return validation.Field("logo", "must be a PNG or JPEG image")
		}
		values["org.logo"] = map[string]string{"type": t, "data": base64.StdEncoding.EncodeToString(l.Data)}
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for k, v := range values {
			b, _ := json.Marshal(v)
			if _, err := tx.NewUpdate().Table("settings").Set("value = ?::jsonb", string(b)).Set("updated_at = now()").Where("key = ?", k).Exec(ctx); err != nil {
				return dbError("update setting "+k, err)
			}
		}
		return nil
	})
}
