package demo

import (
	"context"

	"github.com/uptrace/bun"
)

// GenerateWithTriggers runs Generate the way it runs for a role that may not set
// session_replication_role.
func GenerateWithTriggers(ctx context.Context, db *bun.DB, opts Options) (*Result, error) {
	opts.noReplica = true
	return Generate(ctx, db, opts)
}

// Signatures returns the signatures the demo draws from seed.
func Signatures(seed uint64) ([][]byte, error) {
	g := &generator{opts: Options{Seed: seed}}
	return g.signatures()
}
