package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
)

// addLifecycle adds the devices' statuses and the moves between them (docs/inventory.md).
func (b *builder) addLifecycle() {
	st := b.deps.Inventory
	deviceStatus := newEnum("DeviceStatus", "Where a device is in its lifecycle (docs/inventory.md).", inventory.Statuses)
	statusCount := graphql.NewObject(graphql.ObjectConfig{
		Name: "DeviceStatusCount",
		Fields: graphql.Fields{
			"status": {Type: nonNull(deviceStatus)},
			"count":  {Type: nonNull(graphql.Int)},
		},
	})
	b.register(deviceStatus, statusCount)

	b.extend("Device", graphql.Fields{
		"allowedTransitions": {
			Type:        listOf(deviceStatus),
			Description: "The statuses the current user may move the device to now, given the lifecycle, their role and the guards.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return thunk(b.inventoryLoaders(p).transitions.Load(p.Context, p.Source.(*inventory.Device))), nil
			},
		},
	})

	b.query["statusCounts"] = &graphql.Field{
		Type:        listOf(statusCount),
		Description: "How many of the devices you may see are in each status, in lifecycle order.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			counts, err := st.StatusCounts(p.Context)
			if err != nil {
				return nil, err
			}
			out := make([]map[string]any, len(inventory.Statuses))
			for i, s := range inventory.Statuses {
				out[i] = map[string]any{"status": s, "count": counts[s]}
			}
			return out, nil
		},
	}
	b.mutation["transitionDevice"] = &graphql.Field{
		Type: nonNull(b.object("Device")),
		Description: "Moves a device to another status. version is the version you read: a device changed since gets CONFLICT, " +
			"a move the lifecycle or your role forbids INVALID_TRANSITION or FORBIDDEN, unsanitized storage WIPE_REQUIRED.",
		Args: graphql.FieldConfigArgument{
			"id":      {Type: nonNull(graphql.ID)},
			"version": {Type: nonNull(graphql.Int)},
			"to":      {Type: nonNull(deviceStatus)},
			"note":    {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Device", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			to, _ := p.Args["to"].(inventory.Status)
			d, err := st.Transition(p.Context, id, p.Args["version"].(int), to, inputString(p.Args, "note"))
			if err != nil {
				return nil, err
			}
			b.changed(p, d)
			return d, nil
		},
	}
}
