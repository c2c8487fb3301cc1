package graph

import (
	"errors"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
)

// What the inventory's areas (donors.go, donations.go, devices.go, lifecycle.go, tags.go,
// storage.go, wipes.go, events.go, flags.go, repairs.go, qa.go, imports.go) share: their
// loaders are in loaders.go.

// changed forgets what the request loaded before a mutation, so that the mutation's selection
// reads the change, and keeps the device the mutation returned (nil for none).
func (b *builder) changed(p graphql.ResolveParams, d *inventory.Device) {
	l := b.inventoryLoaders(p)
	l.clear()
	if d != nil {
		l.devices.Prime(p.Context, d.ID, d)
	}
}

// found turns inventory.ErrNotFound into no value, for node(id:), which returns null for an
// object that does not exist or that the actor may not see.
func found[V any](v V, err error) (V, error) {
	if errors.Is(err, inventory.ErrNotFound) {
		var zero V
		return zero, nil
	}
	return v, err
}
