package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
)

// addFlags adds the flags on devices: problems that keep a device from becoming READY, and
// OVER_AGE, which does not.
func (b *builder) addFlags() {
	st := b.deps.Inventory
	flagKind := newEnum("DeviceFlagKind", "A flag on a device: all but OVER_AGE keep it from becoming READY.", inventory.Flags)
	flag := graphql.NewObject(graphql.ObjectConfig{
		Name:        "DeviceFlag",
		Description: "An open flag on a device.",
		Fields: b.fields("DeviceFlag", func() graphql.Fields {
			return graphql.Fields{
				"flag": {Type: nonNull(flagKind)},
				"blocking": {Type: nonNull(graphql.Boolean), Description: "Whether it keeps the device from becoming READY.",
					Resolve: func(p graphql.ResolveParams) (any, error) {
						return p.Source.(*inventory.DeviceFlag).Flag.Blocking(), nil
					}},
				"note": {Type: graphql.String},
				"setBy": b.userField(b.object("User"), func(p graphql.ResolveParams) *int64 {
					return p.Source.(*inventory.DeviceFlag).SetBy
				}),
				"setAt": {Type: nonNull(b.timeT)},
			}
		}),
	})
	b.register(flagKind, flag)

	b.extend("Device", graphql.Fields{
		"flags": {
			Type:        listOf(flag),
			Description: "The device's open flags.",
			Resolve: func(p graphql.ResolveParams) (any, error) {
				th := b.inventoryLoaders(p).flags.Load(p.Context, p.Source.(*inventory.Device).ID)
				return listThunk(th), nil
			},
		},
	})

	device := b.object("Device")
	b.mutation["setDeviceFlag"] = &graphql.Field{
		Type: nonNull(device),
		Description: "Opens a flag on a device; an open flag stays as it is. A blocking flag sends a READY device back to " +
			"IN_REPAIR. Staff, administrators and trainees.",
		Args: deviceArgs(graphql.FieldConfigArgument{
			"flag": {Type: nonNull(flagKind)},
			"note": {Type: graphql.String},
		}),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Device", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			flag, _ := p.Args["flag"].(inventory.Flag)
			d, err := st.SetFlag(p.Context, id, p.Args["version"].(int), flag, inputString(p.Args, "note"))
			if err != nil {
				return nil, err
			}
			b.changed(p, d)
			return d, nil
		},
	}
	b.mutation["clearDeviceFlag"] = &graphql.Field{
		Type: nonNull(device),
		Description: "Clears an open flag of a device. WIPE_FAILED stays while a medium lacks a passing record; only staff " +
			"and administrators clear WIPE_FAILED and OVER_AGE.",
		Args: deviceArgs(graphql.FieldConfigArgument{"flag": {Type: nonNull(flagKind)}}),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Device", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			flag, _ := p.Args["flag"].(inventory.Flag)
			d, err := st.ClearFlag(p.Context, id, p.Args["version"].(int), flag)
			if err != nil {
				return nil, err
			}
			b.changed(p, d)
			return d, nil
		},
	}
}
