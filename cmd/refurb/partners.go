package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/validation"
)

// runPartners creates and lists partner organisations: refurb partners create --name N --kind
// KIND [--address A] [--contact C]; refurb partners list.
func runPartners(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return errors.New("partners: say create or list")
	}
	sub, args := args[0], args[1:]
	var db dbConfig
	var lc logConfig
	var name, kind, address, contact string
	fs := newFlagSet("partners "+sub, e, "refurb partners create --name N --kind SOCIAL_OFFICE|REFUGEE_AGENCY|NGO|SCHOOL|OTHER [--address A] [--contact C]\nrefurb partners list")
	fs.database(&db)
	fs.logging(&lc)
	switch sub {
	case "create":
		fs.StringVar(&name, "name", "", "the organisation's name (unique)")
		fs.StringVar(&kind, "kind", "", "SOCIAL_OFFICE, REFUGEE_AGENCY, NGO, SCHOOL or OTHER")
		fs.StringVar(&address, "address", "", "its address")
		fs.StringVar(&contact, "contact", "", "how to reach it (a phone number, an e-mail address, a person)")
	case "list":
	default:
		return fmt.Errorf("partners: unknown subcommand %q: use create or list", sub)
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
	store := requests.NewStore(app)
	if sub == "list" {
		ps, err := store.Partners(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tKIND\tCONTACT")
		for _, p := range ps {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", p.ID, p.Name, strings.ToUpper(string(p.Kind)), deref(p.Contact))
		}
		return tw.Flush()
	}
	p, err := store.CreatePartner(ctx, requests.NewPartner{Name: name, Kind: requests.PartnerKind(strings.ToLower(kind)), Address: address, Contact: contact})
	if fe, ok := validation.As(err); ok {
		return fmt.Errorf("partners create: --%s: %s", fe.Field, fe.Message)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created partner organisation %d: %s (%s); add its social workers with refurb users create --role SOCIAL_WORKER --partner-id %d\n",
		p.ID, p.Name, strings.ToUpper(string(p.Kind)), p.ID)
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
