package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/graph"
)

// authService opens the database as the application and returns the auth service, acting as
// the command line's system administrator.
func authService(ctx context.Context, db dbConfig, lc logConfig, stderr io.Writer) (*auth.Service, *dbHandle, error) {
	app, h, err := openApp(ctx, db, lc, stderr)
	if err != nil {
		return nil, nil, err
	}
	svc, err := auth.NewService(app, auth.DefaultLimits)
	if err != nil {
		h.Close(ctx)
		return nil, nil, err
	}
	return svc, h, nil
}

func runUsers(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return errors.New("users: say create or list")
	}
	sub, args := args[0], args[1:]
	var db dbConfig
	var lc logConfig
	var email, name, role string
	var donorID, partnerID, traineeID string
	var passwordStdin, coordinator bool
	fs := newFlagSet("users "+sub, e, "refurb users create --email E --name N --role ROLE [--donor-id ID | --partner-id ID [--coordinator] | --trainee-id ID] [--password-stdin]\nrefurb users list")
	fs.database(&db)
	fs.logging(&lc)
	if sub == "create" {
		fs.StringVar(&email, "email", "", "the user's e-mail address (unique, any case)")
		fs.StringVar(&name, "name", "", "the user's name")
		fs.StringVar(&role, "role", "", roleNames())
		fs.StringVar(&donorID, "donor-id", "", "for a DONOR user: the donor they act for (its number or GraphQL id)")
		fs.StringVar(&partnerID, "partner-id", "", "for a SOCIAL_WORKER user: their partner organisation (its number or GraphQL id)")
		fs.BoolVar(&coordinator, "coordinator", false, "for a SOCIAL_WORKER user: the organisation's coordinator, who sees all of its requests")
		fs.StringVar(&traineeID, "trainee-id", "", "for a TRAINEE user: the trainee's record (its number or GraphQL id)")
		fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input (otherwise one is generated and printed)")
	} else if sub != "list" {
		return fmt.Errorf("users: unknown subcommand %q: use create or list", sub)
	}
	if err := fs.parse(args); err != nil {
		return err
	}
	ctx = auth.System(ctx)
	if sub == "list" {
		svc, h, err := authService(ctx, db, lc, e.stderr)
		if err != nil {
			return err
		}
		defer h.Close(ctx)
		us, err := svc.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tE-MAIL\tNAME\tROLE\tSTATE")
		for _, u := range us {
			state := "active"
			if u.DisabledAt != nil {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Name, strings.ToUpper(string(u.Role)), state)
		}
		return tw.Flush()
	}

	r := auth.Role(strings.ToLower(role))
	if !r.Valid() {
		return fmt.Errorf("users create: --role %q: use %s", role, roleNames())
	}
	password, generated := "", false
	if passwordStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("users create: --password-stdin: no password on standard input")
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, generated = auth.GeneratePassword(), true
	}
	svc, h, err := authService(ctx, db, lc, e.stderr)
	if err != nil {
		return err
	}
	defer h.Close(ctx)
	nu := auth.NewUser{Email: email, Name: name, Role: r, Password: password, Coordinator: coordinator}
	for _, l := range []struct {
		flag, typeName, value string
		id                    **int64
	}{{"donor-id", "Donor", donorID, &nu.DonorID}, {"partner-id", "PartnerOrganisation", partnerID, &nu.PartnerID}, {"trainee-id", "Trainee", traineeID, &nu.TraineeID}} {
		if l.value == "" {
			continue
		}
		id, err := graph.ParseID(l.flag, l.typeName, l.value)
		if err != nil {
			return fmt.Errorf("users create: --%s %q: use the number or the GraphQL id of a %s", l.flag, l.value, l.typeName)
		}
		*l.id = &id
	}
	u, err := svc.CreateUser(ctx, nu)
	if errors.Is(err, auth.ErrConflict) {
		return fmt.Errorf("users create: a user with e-mail address %s already exists", auth.NormalizeEmail(email))
	}
	if err != nil {
		return fmt.Errorf("users create: %w", err)
	}
	fmt.Fprintf(e.stdout, "created user %d %s (%s)\n", u.ID, u.Email, strings.ToUpper(string(u.Role)))
	if generated {
		fmt.Fprintf(e.stdout, "password: %s\n", password)
	}
	return nil
}

func runTokens(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return errors.New("tokens: say create, list or revoke")
	}
	sub, args := args[0], args[1:]
	var db dbConfig
	var lc logConfig
	var email, name, id, expiresIn string
	fs := newFlagSet("tokens "+sub, e, "refurb tokens create --email E [--name LABEL] [--expires-in 90d]\nrefurb tokens list --email E\nrefurb tokens revoke --id ID")
	fs.database(&db)
	fs.logging(&lc)
	switch sub {
	case "create":
		fs.StringVar(&email, "email", "", "e-mail address of the user the token acts as")
		fs.StringVar(&name, "name", "", "a label saying what the token is for")
		fs.StringVar(&expiresIn, "expires-in", "", "how long the token works, in days (90d) or as a duration (36h); empty: until revoked")
	case "list":
		fs.StringVar(&email, "email", "", "e-mail address of the user whose tokens to list")
	case "revoke":
		fs.StringVar(&id, "id", "", "id of the token to revoke (see tokens list)")
	default:
		return fmt.Errorf("tokens: unknown subcommand %q: use create, list or revoke", sub)
	}
	if err := fs.parse(args); err != nil {
		return err
	}
	var lifetime time.Duration
	if expiresIn != "" {
		var err error
		if lifetime, err = parseLifetime(expiresIn); err != nil {
			return fmt.Errorf("tokens create: --expires-in %q: %w", expiresIn, err)
		}
	}
	ctx = auth.System(ctx)
	svc, h, err := authService(ctx, db, lc, e.stderr)
	if err != nil {
		return err
	}
	defer h.Close(ctx)
	switch sub {
	case "create":
		var plain string
		var t *auth.Token
		if lifetime > 0 {
			plain, t, err = svc.CreateTokenUntil(ctx, email, name, time.Now().Add(lifetime))
		} else {
			plain, t, err = svc.CreateToken(ctx, email, name)
		}
		if errors.Is(err, auth.ErrNotFound) {
			return fmt.Errorf("tokens create: no user with e-mail address %q", email)
		}
		if err != nil {
			return fmt.Errorf("tokens create: %w", err)
		}
		if t.ExpiresAt != nil {
			fmt.Fprintf(e.stderr, "created token %d, valid until %s; it is shown only once:\n", t.ID, t.ExpiresAt.Format("2006-01-02 15:04"))
		} else {
			fmt.Fprintf(e.stderr, "created token %d; it is shown only once:\n", t.ID)
		}
		fmt.Fprintln(e.stdout, plain)
		return nil
	case "list":
		u, err := svc.UserByEmail(ctx, email)
		if err != nil {
			return fmt.Errorf("tokens list: %w", err)
		}
		ts, err := svc.Tokens(ctx, u.ID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED\tEXPIRES\tSTATE")
		now := time.Now()
		for _, t := range ts {
			last, expires, state := "never", "never", "active"
			if t.LastUsedAt != nil {
				last = t.LastUsedAt.Format("2006-01-02 15:04")
			}
			if t.ExpiresAt != nil {
				expires = t.ExpiresAt.Format("2006-01-02 15:04")
			}
			switch {
			case t.RevokedAt != nil:
				state = "revoked"
			case t.Expired(now):
				state = "expired"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format("2006-01-02 15:04"), last, expires, state)
		}
		return tw.Flush()
	default:
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("tokens revoke: --id %q is not a token id", id)
		}
		if err := svc.RevokeToken(ctx, n); err != nil {
			return fmt.Errorf("tokens revoke: %w", err)
		}
		fmt.Fprintf(e.stdout, "revoked token %d\n", n)
		return nil
	}
}

// parseLifetime reads a token's lifetime: a number of days (90d) or a Go duration (36h, 90m).
func parseLifetime(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 3660 {
			return 0, errors.New("give a number of days from 1 to 3660, such as 90d")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, errors.New("give days (90d) or a duration (36h)")
	}
	return d, nil
}

// roleNames lists the roles as the command line takes them: "ADMIN, STAFF, ... or
// SOCIAL_WORKER", from auth.Roles.
func roleNames() string {
	names := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		names[i] = strings.ToUpper(string(r))
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
