package graph

import (
	"strconv"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/digital-inclusion/refurb/inventory"
)

// addTags adds the asset tags: the labels' URLs, tags reserved for labels printed ahead, and the
// scan lookup of a device by its tag.
func (b *builder) addTags() {
	st := b.deps.Inventory
	b.extend("Device", graphql.Fields{
		"scanURL": {Type: nonNull(graphql.String), Description: "The URL the QR code encodes, in upper case so that the code stays small (alphanumeric mode).",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return strings.ToUpper(b.deps.PublicURL) + "/D/" + p.Source.(*inventory.Device).Tag, nil
			}},
		"labelURL": {Type: nonNull(graphql.String), Description: "PNG label for this device.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return b.deps.PublicURL + "/labels/" + p.Source.(*inventory.Device).Tag + ".png", nil
			}},
	})

	b.query["device"] = &graphql.Field{
		Type:        b.object("Device"),
		Description: "A device by its asset tag, given in any case, with or without hyphens, or as the full scanned URL.",
		Args:        graphql.FieldConfigArgument{"tag": {Type: nonNull(graphql.String)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			// The scan lookup: the device, its storage and its last events in one prepared
			// statement, handed to the loaders so that the fields below cost nothing more.
			last := selectedEventsLast(p)
			sc, err := st.Scan(p.Context, p.Args["tag"].(string), last)
			if err != nil {
				return nil, err
			}
			l := b.inventoryLoaders(p)
			id := sc.Device.ID
			l.devices.Prime(p.Context, id, sc.Device)
			ms := make([]medium, len(sc.Storage))
			for i := range sc.Storage {
				ms[i] = medium{&sc.Storage[i].StorageMedium, sc.Storage[i].Latest}
			}
			l.storage.Prime(p.Context, id, ms)
			l.events.Prime(p.Context, eventsKey{id, last}, sc.Events)
			return sc.Device, nil
		},
	}
	b.mutation["reserveTags"] = &graphql.Field{
		Type:        nonNull(graphql.NewList(nonNull(graphql.String))),
		Description: "Takes count new asset tags for labels printed before the devices arrive (print them at /labels?tags=...). Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"count": {Type: nonNull(graphql.Int)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			return st.ReserveTags(p.Context, p.Args["count"].(int))
		},
	}
}

// selectedEventsLast returns the last argument of the events field selected directly under
// the resolved field (a literal or a variable), or its default: the scan reads that many events
// in its one statement. A fragment or a second events field falls back to the loader.
func selectedEventsLast(p graphql.ResolveParams) int {
	last := defaultEventsLast
	if len(p.Info.FieldASTs) == 0 || p.Info.FieldASTs[0].SelectionSet == nil {
		return last
	}
	for _, sel := range p.Info.FieldASTs[0].SelectionSet.Selections {
		f, ok := sel.(*ast.Field)
		if !ok || f.Name == nil || f.Name.Value != "events" {
			continue
		}
		for _, a := range f.Arguments {
			if a.Name == nil || a.Name.Value != "last" {
				continue
			}
			switch v := a.Value.(type) {
			case *ast.IntValue:
				if n, err := strconv.Atoi(v.Value); err == nil {
					last = n
				}
			case *ast.Variable:
				if n, ok := p.Info.VariableValues[v.Name.Value].(int); ok {
					last = n
				}
			}
		}
	}
	if last < 0 || last > inventory.MaxScanEvents {
		return defaultEventsLast
	}
	return last
}
