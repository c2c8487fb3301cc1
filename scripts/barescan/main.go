// Command barescan is the scan on the bare stack, for scripts/bench-ab: net/http, pgx and
// encoding/json, and nothing of refurb's (no GraphQL, no authentication, no access log, no
// security headers, no sessions). It answers POST /graphql by running the scan's exact
// statement (inventory/scan.go's scanQuery, read from the source at start) as a prepared
// statement for the request's variables.tag, decoding the row and writing it as JSON, with
// at most twice the cores executing at once as `refurb serve` does.
//
// It measures what this stack leaves on the machine of the day: the p99 of refurb serve is
// compared with it in rounds taken in turn (docs/performance.md, "The bare stack"). Build it
// and give it as bench-ab's second command, which joins the first's database:
//
//	go build -o bin/barescan ./scripts/barescan
//	scripts/bench-ab --devices 1000000 bin/refurb bin/barescan
//
// It takes refurb serve's command line ("serve -database-url URL -listen-addr ADDR ...") and
// ignores the flags it has no use for.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		log.Fatalf("barescan: %v", err)
	}
}

func run(args []string) error {
	if len(args) == 0 || args[0] != "serve" {
		return errors.New(`usage: barescan serve -database-url URL -listen-addr ADDR (other flags of "refurb serve" are ignored)`)
	}
	var dbURL, addr string
	for i := 1; i+1 < len(args); i++ {
		switch args[i] {
		case "-database-url":
			dbURL = args[i+1]
		case "-listen-addr":
			addr = args[i+1]
		case "-data-dir":
			return errors.New("barescan does not run a database: give it as bench-ab's second command, which joins the first's through -database-url")
		}
	}
	if dbURL == "" || addr == "" {
		return errors.New("-database-url and -listen-addr are required")
	}
	query, err := scanQuery("inventory/scan.go")
	if err != nil {
		return err
	}
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return err
	}
	cfg.MaxConns = int32(2 * runtime.GOMAXPROCS(0)) // refurb serve's operations in turn, for a local database
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := pool.Ping(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("POST /graphql", func(w http.ResponseWriter, r *http.Request) { scan(w, r, pool, query) })
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return srv.ListenAndServe()
}

// scan answers one request: the same work as refurb's scan, less all that refurb adds.
func scan(w http.ResponseWriter, r *http.Request, pool *pgxpool.Pool, query string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req struct {
		Variables struct {
			Tag string `json:"tag"`
		} `json:"variables"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rows, err := pool.Query(r.Context(), query, req.Variables.Tag, 20, 0)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	device := map[string]any{}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			break
		}
		for i, f := range rows.FieldDescriptions() {
			device[f.Name] = vals[i]
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if len(device) == 0 {
		http.Error(w, "no device has the tag "+req.Variables.Tag, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"device": device}})
}

// scanQuery reads the scan's statement from the Go source that holds it, as scripts/bench-http
// does for its floor, so that the bare stack always runs the statement refurb runs.
func scanQuery(path string) (string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("the scan's statement: %w (run barescan from the repository's root)", err)
	}
	const start = "const scanQuery = `"
	_, rest, ok := strings.Cut(string(src), start)
	if !ok {
		return "", fmt.Errorf("%s holds no %s...`", path, start)
	}
	q, _, ok := strings.Cut(rest, "`")
	if !ok {
		return "", fmt.Errorf("%s: scanQuery does not end", path)
	}
	return q, nil
}
