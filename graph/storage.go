package graph

import (
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
)

// addStorage adds the storage media of devices: the drives that are sanitized one by one.
func (b *builder) addStorage() {
	st := b.deps.Inventory
	storageKind := newEnum("StorageKind", "The kind of a storage medium.", inventory.StorageKinds)
	field := func(t graphql.Output, f func(*inventory.StorageMedium) any) *graphql.Field {
		return &graphql.Field{Type: t, Resolve: func(p graphql.ResolveParams) (any, error) {
			return f(p.Source.(medium).StorageMedium), nil
		}}
	}
	storageMedium := graphql.NewObject(graphql.ObjectConfig{
		Name:        "StorageMedium",
		Description: "A drive of a device; each is sanitized and recorded on its own.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: b.fields("StorageMedium", func() graphql.Fields {
			return graphql.Fields{
				"id": field(nonNull(graphql.ID), func(m *inventory.StorageMedium) any {
					return globalID("StorageMedium", m.ID)
				}),
				"kind":         field(nonNull(storageKind), func(m *inventory.StorageMedium) any { return m.Kind }),
				"make":         field(graphql.String, func(m *inventory.StorageMedium) any { return m.Make }),
				"model":        field(graphql.String, func(m *inventory.StorageMedium) any { return m.Model }),
				"serialNumber": field(graphql.String, func(m *inventory.StorageMedium) any { return m.SerialNumber }),
				"capacityGB":   field(graphql.Float, func(m *inventory.StorageMedium) any { return m.CapacityGB }),
				"device":       b.deviceField(func(p graphql.ResolveParams) int64 { return p.Source.(medium).DeviceID }),
			}
		}),
	})
	addNode(b, storageMedium, func(p graphql.ResolveParams, id int64) (medium, error) {
		m, err := st.Medium(p.Context, id)
		if err != nil {
			return found(medium{}, err)
		}
		return medium{&m.StorageMedium, m.Latest}, nil
	})
	newStorage := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "NewStorageInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"kind":         {Type: nonNull(storageKind)},
			"make":         {Type: graphql.String},
			"model":        {Type: graphql.String},
			"serialNumber": {Type: graphql.String},
			"capacityGB":   {Type: graphql.Float},
		},
	})
	b.register(storageKind, newStorage)

	b.extend("Device", graphql.Fields{
		"storage": {Type: listOf(storageMedium), Resolve: func(p graphql.ResolveParams) (any, error) {
			return thunk(b.inventoryLoaders(p).storage.Load(p.Context, p.Source.(*inventory.Device).ID)), nil
		}},
	})

	b.mutation["addStorage"] = &graphql.Field{
		Type: nonNull(storageMedium),
		Description: "Records a storage medium found in, or fitted to, a RECEIVED, WIPED or IN_REPAIR device; a WIPED device " +
			"moves to IN_REPAIR until the medium is sanitized. Staff, administrators and trainees.",
		Args: graphql.FieldConfigArgument{
			"deviceID": {Type: nonNull(graphql.ID)},
			"input":    {Type: nonNull(newStorage)},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("deviceID", "Device", p.Args["deviceID"].(string))
			if err != nil {
				return nil, err
			}
			m, d, err := st.AddStorage(p.Context, id, newStorageInput(inputMap(p.Args["input"])))
			if err != nil {
				return nil, inArg("input", err)
			}
			b.changed(p, d)
			return medium{StorageMedium: m}, nil
		},
	}
}

// newStorageInput reads a NewStorageInput.
func newStorageInput(m map[string]any) inventory.NewStorage {
	kind, _ := m["kind"].(inventory.StorageKind)
	return inventory.NewStorage{
		Kind:         kind,
		Make:         inputString(m, "make"),
		Model:        inputString(m, "model"),
		SerialNumber: inputString(m, "serialNumber"),
		CapacityGB:   inputFloat(m, "capacityGB"),
	}
}
