package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// dbConfig says where the database is. Every command that touches the database has these flags.
type dbConfig struct {
	URL        string // DATABASE_URL: the application's connection; empty for the embedded cluster
	MigrateURL string // MIGRATE_DATABASE_URL: the schema owner's connection, default URL
	DataDir    string // REFURB_DATA_DIR: the embedded cluster's directory
	MaxConns   int    // DB_MAX_CONNS: the application pool's size (serve); 0: database.Open's default
}

type logConfig struct {
	Level  string
	Format string
}

// defaultDataDir is where the private cluster lives unless -data-dir says otherwise.
const defaultDataDir = "./var/postgres"

// flagSet returns a FlagSet whose flags take their defaults from the environment.
type flagSet struct {
	*flag.FlagSet
	getenv func(string) string
	errs   []error
}

func newFlagSet(name string, e env, summary string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), getenv: e.getenv}
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: refurb %s [flags]\n\n%s\n\nFlags (each defaults to the environment variable in brackets):\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

func (fs *flagSet) String(p *string, name, envName, def, help string) {
	if v := fs.getenv(envName); v != "" {
		def = v
	}
	fs.StringVar(p, name, def, help+" ["+envName+"]")
}

func (fs *flagSet) Bool(p *bool, name, envName string, def bool, help string) {
	if v := fs.getenv(envName); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fs.errs = append(fs.errs, fmt.Errorf("%s=%q is not a boolean", envName, v))
		}
		def = b
	}
	fs.BoolVar(p, name, def, help+" ["+envName+"]")
}

func (fs *flagSet) Int(p *int, name, envName string, def int, help string) {
	if v := fs.getenv(envName); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fs.errs = append(fs.errs, fmt.Errorf("%s=%q is not a whole number", envName, v))
		}
		def = n
	}
	fs.IntVar(p, name, def, help+" ["+envName+"]")
}

func (fs *flagSet) Duration(p *time.Duration, name, envName string, def time.Duration, help string) {
	if v := fs.getenv(envName); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			fs.errs = append(fs.errs, fmt.Errorf("%s=%q is not a duration", envName, v))
		}
		def = d
	}
	fs.DurationVar(p, name, def, help+" ["+envName+"]")
}

func (fs *flagSet) parse(args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(fs.errs) > 0 {
		return fs.errs[0]
	}
	return nil
}

func (fs *flagSet) database(c *dbConfig) {
	fs.String(&c.URL, "database-url", "DATABASE_URL", "", "PostgreSQL URL the application connects with; empty: a private cluster in -data-dir")
	fs.String(&c.MigrateURL, "migrate-database-url", "MIGRATE_DATABASE_URL", "", "PostgreSQL URL of the schema owner, for migrations (default: -database-url)")
	fs.String(&c.DataDir, "data-dir", "REFURB_DATA_DIR", defaultDataDir, "directory of the private PostgreSQL cluster used when -database-url is empty")
}

func (fs *flagSet) logging(c *logConfig) {
	fs.String(&c.Level, "log-level", "LOG_LEVEL", "info", "log level: debug, info, warn or error")
	fs.String(&c.Format, "log-format", "LOG_FORMAT", "text", "log format: text or json")
}

func newLogger(c logConfig, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		return nil, fmt.Errorf("-log-level %q: use debug, info, warn or error", c.Level)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.Format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("-log-format %q: use text or json", c.Format)
}

// maskURL hides the password of a database URL (or key=value DSN) for printing.
func maskURL(s string) string {
	if s == "" {
		return ""
	}
	if u, err := url.Parse(s); err == nil && u.Scheme != "" {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	fields := strings.Fields(s)
	for i, f := range fields {
		if strings.HasPrefix(f, "password=") {
			fields[i] = "password=xxxxx"
		}
	}
	return strings.Join(fields, " ")
}

// buildVersion is set by the Makefile (-ldflags -X main.buildVersion=...).
var buildVersion string

// version returns the version the binary was built as: the Makefile's, else the module version
// or VCS revision Go recorded.
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}
