// Command refurb is the Refurb server and its administration commands: one binary that serves
// the GraphQL API and the web pages, manages its own PostgreSQL when no DATABASE_URL is given,
// migrates the schema and manages users and API tokens.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "refurb:", err)
		os.Exit(1)
	}
}

// env is what a command reads from outside: arguments come separately.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

const usage = `Usage: refurb [command] [flags]

Commands:
  serve                     run the server (the default command)
  migrate up|down|status    apply, revert or list database migrations
  migrate new NAME          write an empty migration pair into ./migrations
  users create --email E --name N --role ROLE [--password-stdin]
  users list
  tokens create --email E [--name LABEL]
  tokens list --email E
  tokens revoke --id ID
  import FILE --donation NUMBER [--dry-run]   import a donor's asset list (CSV or XLSX)
  demo --devices N          fill the database with realistic demo data
  backup FILE               write a backup of the database (pg_dump's custom format)
  restore FILE              restore a backup into an empty database
  org show | org set --name N [--address A] [--registration-number R] [--logo FILE]
                            the issuer printed on certificates
  partners create --name N --kind KIND [--address A] [--contact C]
  partners list             partner organisations, whose social workers request devices
  version                   print the version

Run 'refurb COMMAND -h' for a command's flags. Every flag can be set by the environment
variable named in its help text.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, e, args)
	case "migrate":
		return runMigrate(ctx, e, args)
	case "users":
		return runUsers(ctx, e, args)
	case "tokens":
		return runTokens(ctx, e, args)
	case "import":
		return runImport(ctx, e, args)
	case "demo":
		return runDemo(ctx, e, args)
	case "backup":
		return runBackup(ctx, e, args)
	case "restore":
		return runRestore(ctx, e, args)
	case "org":
		return runOrg(ctx, e, args)
	case "partners":
		return runPartners(ctx, e, args)
	case "version":
		fmt.Fprintln(stdout, "refurb", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
