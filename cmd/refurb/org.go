package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
)

// runOrg shows or changes the organisation printed on certificates.
func runOrg(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		return errors.New("org: say show or set")
	}
	sub, args := args[0], args[1:]
	var db dbConfig
	var lc logConfig
	var name, address, reg, logo string
	var noLogo bool
	fs := newFlagSet("org "+sub, e, "refurb org show\nrefurb org set --name N [--address A] [--registration-number R] [--logo FILE.png|jpg | --no-logo]\n\nThe organisation is the issuer printed on certificates issued from now on.")
	fs.database(&db)
	fs.logging(&lc)
	if sub == "set" {
		fs.StringVar(&name, "name", "", "the organisation's name, e.g. Digital Inclusion asbl")
		fs.StringVar(&address, "address", "", "its postal address, on one line")
		fs.StringVar(&reg, "registration-number", "", "its registration number (RCS)")
		fs.StringVar(&logo, "logo", "", "a PNG or JPEG logo of at most 512 KiB (keeps the current one when empty)")
		fs.BoolVar(&noLogo, "no-logo", false, "remove the logo")
	}
	if err := fs.parse(args); err != nil {
		return err
	}
	ctx = auth.System(ctx)
	app, h, err := openApp(ctx, db, lc, e.stderr)
	if err != nil {
		return err
	}
	defer h.Close(ctx)
	store := certificates.NewStore(app, "")
	cur, err := store.Organisation(ctx)
	if err != nil {
		return err
	}
	if sub == "set" {
		org := certificates.Organisation{Name: name, Address: address, RegistrationNumber: reg, Logo: cur.Logo}
		if noLogo {
			org.Logo = nil
		}
		if logo != "" {
			data, err := os.ReadFile(logo)
			if err != nil {
				return fmt.Errorf("org set: %w", err)
			}
			org.Logo = &certificates.Logo{Type: strings.TrimPrefix(strings.ToLower(filepath.Ext(logo)), "."), Data: data}
		}
		if err := store.SetOrganisation(ctx, org); err != nil {
			return fmt.Errorf("org set: %w", err)
		}
		if cur, err = store.Organisation(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "name:                %s\naddress:             %s\nregistration number: %s\nlogo:                %v\n",
		cur.Name, cur.Address, cur.RegistrationNumber, cur.Logo != nil)
	return nil
}
