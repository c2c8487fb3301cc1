package graph

import (
	"strings"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
)

// defaultEventsLast is the default of Device.events(last:).
const defaultEventsLast = 20

// addEvents adds the devices' histories and the notes people append to them.
func (b *builder) addEvents() {
	st := b.deps.Inventory
	deviceStatus := b.enum("DeviceStatus")
	event := graphql.NewObject(graphql.ObjectConfig{
		Name:        "DeviceEvent",
		Description: "One entry of a device's history; events are never changed or deleted.",
		Fields: b.fields("DeviceEvent", func() graphql.Fields {
			return graphql.Fields{
				"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
					return globalID("DeviceEvent", p.Source.(*inventory.Event).ID), nil
				}},
				"at": {Type: nonNull(b.timeT)},
				"kind": {Type: nonNull(graphql.String), Description: "INTAKE, WIPE, REPAIR, QA, STATUS, NOTE, FLAG, EDIT or STORAGE.",
					Resolve: func(p graphql.ResolveParams) (any, error) {
						return strings.ToUpper(p.Source.(*inventory.Event).Kind), nil
					}},
				"fromStatus": {Type: deviceStatus},
				"toStatus":   {Type: deviceStatus},
				"actor": b.userField(b.object("User"), func(p graphql.ResolveParams) *int64 {
					return p.Source.(*inventory.Event).ActorID
				}),
				"note": {Type: graphql.String},
			}
		}),
	})
	b.register(event)

	b.extend("Device", graphql.Fields{
		"events": {
			Type:        listOf(event),
			Description: "The device's last events, newest first.",
			Args:        graphql.FieldConfigArgument{"last": {Type: graphql.Int, DefaultValue: defaultEventsLast}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				last, _ := p.Args["last"].(int)
				th := b.inventoryLoaders(p).events.Load(p.Context, eventsKey{p.Source.(*inventory.Device).ID, last})
				return listThunk(th), nil
			},
		},
	})

	b.mutation["addDeviceNote"] = &graphql.Field{
		Type:        nonNull(b.object("Device")),
		Description: "Appends a note to a device's history. Staff, administrators and trainees.",
		Args: graphql.FieldConfigArgument{
			"id":   {Type: nonNull(graphql.ID)},
			"note": {Type: nonNull(graphql.String)},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Device", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			d, err := st.AddNote(p.Context, id, 0, inputString(p.Args, "note"))
			if err != nil {
				return nil, err
			}
			b.changed(p, d)
			return d, nil
		},
	}
}
