package inventory

import "github.com/uptrace/bun"

// CollectionPoint is where donations are received: the workshop, a municipal recycling centre,
// a partner.
type CollectionPoint struct {
	bun.BaseModel `bun:"table:collection_points"`

	ID      int64   `bun:"id,pk,autoincrement"`
	Name    string  `bun:"name"`
	Kind    string  `bun:"kind"`
	Address *string `bun:"address"`
	Active  bool    `bun:"active"`
}
