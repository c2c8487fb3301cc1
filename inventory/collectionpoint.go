package inventory

import (
	"context"

	"github.com/uptrace/bun"
)

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

// CollectionPointsByID returns the collection points with the given ids, by id, active or not.
// Whoever may see some of the inventory (DonorScope) may read them: where a donation was
// received is shown with it and printed on its documents, and the places are not personal
// data. Other domains (certificates) read collection points here, not from the table.
func (s *Store) CollectionPointsByID(ctx context.Context, ids []int64) (map[int64]*CollectionPoint, error) {
	if _, err := DonorScope(ctx); err != nil {
		return nil, err
	}
	var cps []CollectionPoint
	if err := s.db.NewSelect().Model(&cps).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, dbError("select collection points", err)
	}
	out := make(map[int64]*CollectionPoint, len(cps))
	for i := range cps {
		out[cps[i].ID] = &cps[i]
	}
	return out, nil
}

// CollectionPoint returns a collection point by id (CollectionPointsByID).
func (s *Store) CollectionPoint(ctx context.Context, id int64) (*CollectionPoint, error) {
	cps, err := s.CollectionPointsByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if cps[id] == nil {
		return nil, ErrNotFound
	}
	return cps[id], nil
}
