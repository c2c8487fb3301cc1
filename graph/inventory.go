package graph

import (
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/validation"
)

// newEnum returns an enum whose names are the upper-case spellings of the domain's snake_case
// values (like Role), and whose values are the domain's.
func newEnum[T ~string](name, description string, values []T) *graphql.Enum {
	m := graphql.EnumValueConfigMap{}
	for _, v := range values {
		m[strings.ToUpper(string(v))] = &graphql.EnumValueConfig{Value: v}
	}
	e := graphql.NewEnum(graphql.EnumConfig{Name: name, Description: description, Values: m})
	// graphql-go fills an enum's lookup tables on first use, without a lock: fill them now,
	// before requests run concurrently.
	e.Serialize(values[0])
	e.ParseValue(strings.ToUpper(string(values[0])))
	return e
}

// enumName is how GraphQL spells a domain value, e.g. in_repair as IN_REPAIR.
func enumName[T ~string](v T) any {
	if v == "" {
		return nil
	}
	return strings.ToUpper(string(v))
}

// inArg prefixes the field of a validation error with the argument its input came in, so that
// the client reads the path it sent (input.devices[1].serialNumber) rather than the domain's
// (devices[1].serialNumber). Other errors pass unchanged.
func inArg(arg string, err error) error {
	fe, ok := validation.As(err)
	if !ok || strings.HasPrefix(fe.Field, arg+".") {
		return err
	}
	return &validation.FieldError{Field: arg + "." + fe.Field, Message: fe.Message}
}

// inventoryNodeType names the GraphQL type of an inventory value, for the Node interface.
func inventoryNodeType(v any) string {
	switch v.(type) {
	case *inventory.Device:
		return "Device"
	case *inventory.Donation:
		return "Donation"
	case *inventory.Donor:
		return "Donor"
	case *inventory.WipeRecord:
		return "WipeRecord"
	}
	return ""
}

// resolveInventoryNode loads the inventory object a global id names, or nil when it does not
// exist or the actor may not see it.
func (b *builder) resolveInventoryNode(p graphql.ResolveParams, typ string, id int64) (any, error) {
	var v any
	var err error
	st := b.deps.Inventory
	switch typ {
	case "Device":
		v, err = st.Device(p.Context, id)
	case "Donation":
		v, err = st.Donation(p.Context, id)
	case "Donor":
		var ds map[int64]*inventory.Donor
		if ds, err = st.DonorsByID(p.Context, []int64{id}); err == nil {
			if d := ds[id]; d != nil {
				v = d
			}
		}
	case "StorageMedium":
		var m *inventory.MediumState
		if m, err = st.Medium(p.Context, id); err == nil {
			v = medium{&m.StorageMedium, m.Latest}
		}
	case "WipeRecord":
		v, err = st.WipeRecord(p.Context, id)
	default:
		return nil, nil
	}
	if errors.Is(err, inventory.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Input helpers: graphql-go hands input objects over as maps, having checked their types.

func inputMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func inputString(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func inputInt(m map[string]any, k string) *int {
	if n, ok := m[k].(int); ok {
		return &n
	}
	return nil
}

func inputFloat(m map[string]any, k string) *float64 {
	switch n := m[k].(type) {
	case float64:
		return &n
	case int:
		f := float64(n)
		return &f
	}
	return nil
}

func inputTime(m map[string]any, k string) *time.Time {
	if t, ok := m[k].(time.Time); ok {
		return &t
	}
	return nil
}

func inputList(m map[string]any, k string) []any {
	l, _ := m[k].([]any)
	return l
}

// optionalID parses an optional global id of type typeName given in field.
func optionalID(field, typeName string, v any) (*int64, error) {
	s, ok := v.(string)
	if !ok || s == "" {
		return nil, nil
	}
	id, err := idOf(field, typeName, s)
	if err != nil {
		return nil, err
	}
	return &id, nil
}

// page reads the first and after arguments of a connection.
func page(p graphql.ResolveParams, def int) inventory.Page {
	pg := inventory.Page{First: def}
	if n, ok := p.Args["first"].(int); ok {
		pg.First = n
	}
	pg.After, _ = p.Args["after"].(string)
	return pg
}

func pageInfo(hasNext bool, endCursor string) map[string]any {
	info := map[string]any{"hasNextPage": hasNext, "endCursor": nil}
	if endCursor != "" {
		info["endCursor"] = endCursor
	}
	return info
}

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

func newDeviceInput(m map[string]any) inventory.NewDevice {
	kind, _ := m["kind"].(inventory.Kind)
	n := inventory.NewDevice{
		Kind:             kind,
		Make:             inputString(m, "make"),
		Model:            inputString(m, "model"),
		SerialNumber:     inputString(m, "serialNumber"),
		ManufactureYear:  inputInt(m, "manufactureYear"),
		CPU:              inputString(m, "cpu"),
		RAMGB:            inputFloat(m, "ramGB"),
		ScreenInches:     inputFloat(m, "screenInches"),
		BatteryHealthPct: inputInt(m, "batteryHealthPct"),
		OSInstalled:      inputString(m, "osInstalled"),
		KeyboardLayout:   inputString(m, "keyboardLayout"),
		ConditionGrade:   inputString(m, "conditionGrade"),
		WeightKG:         inputFloat(m, "weightKG"),
		Location:         inputString(m, "location"),
		DonorAssetTag:    inputString(m, "donorAssetTag"),
		Notes:            inputString(m, "notes"),
		Tag:              inputString(m, "tag"),
	}
	for _, s := range inputList(m, "storage") {
		n.Storage = append(n.Storage, newStorageInput(inputMap(s)))
	}
	return n
}

func newDevicesInput(l []any) []inventory.NewDevice {
	out := make([]inventory.NewDevice, len(l))
	for i, v := range l {
		out[i] = newDeviceInput(inputMap(v))
	}
	return out
}

// defaultEventsLast is the default of Device.events(last:).
const defaultEventsLast = 20

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

// pointers returns pointers to the elements of s: graphql-go's default resolvers and the
// area's own read the domain's structs through pointers.
func pointers[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// listThunk turns a loader's thunk for a list into a resolver thunk of pointers.
func listThunk[T any](th func() ([]T, error)) func() (any, error) {
	return func() (any, error) {
		l, err := th()
		if err != nil {
			return nil, err
		}
		return pointers(l), nil
	}
}

// addInventory adds donors, donations, devices, storage media, wipes and the lifecycle.
func (b *builder) addInventory() {
	st := func() *inventory.Store { return b.deps.Inventory }
	nonNull := graphql.NewNonNull
	listOf := func(t graphql.Type) graphql.Type { return nonNull(graphql.NewList(nonNull(t))) }
	user := b.nodeTypes["User"]

	donorKind := newEnum("DonorKind", "Who gave.", inventory.DonorKinds)
	deviceKind := newEnum("DeviceKind", "What sort of device it is.", inventory.Kinds)
	deviceStatus := newEnum("DeviceStatus", "Where a device is in its lifecycle (docs/inventory.md).", inventory.Statuses)
	storageKind := newEnum("StorageKind", "The kind of a storage medium.", inventory.StorageKinds)
	method := newEnum("SanitizationMethod", "A NIST SP 800-88 sanitization category.", inventory.Methods)
	wipeResult := newEnum("WipeResult", "A sanitization's outcome.", inventory.Results)
	verification := newEnum("WipeVerification", "How much of a sanitized medium was read back to check it.", []string{"none", "sample", "full"})
	destination := newEnum("WipeDestination", "Where a sanitized medium goes.", []string{"reuse", "recycling", "destruction"})
	flagKind := newEnum("DeviceFlagKind", "A flag on a device: all but OVER_AGE keep it from becoming READY.", inventory.Flags)
	deviceSort := newEnum("DeviceSort", "The order of a device list.", []inventory.DeviceSort{inventory.SortIntakeDesc, inventory.SortTagAsc})

	loaders := b.inventoryLoaders

	var device, donation, donor, storageMedium, wipeRecord *graphql.Object
	var deviceConnection, donationConnection *graphql.Object

	// Field resolvers for values read straight from a domain struct.
	devField := func(t graphql.Output, f func(*inventory.Device) any) *graphql.Field {
		return &graphql.Field{Type: t, Resolve: func(p graphql.ResolveParams) (any, error) {
			return f(p.Source.(*inventory.Device)), nil
		}}
	}
	mediumField := func(t graphql.Output, f func(*inventory.StorageMedium) any) *graphql.Field {
		return &graphql.Field{Type: t, Resolve: func(p graphql.ResolveParams) (any, error) {
			return f(p.Source.(medium).StorageMedium), nil
		}}
	}
	userField := func(t graphql.Output, id func(p graphql.ResolveParams) *int64) *graphql.Field {
		return &graphql.Field{Type: t, Resolve: func(p graphql.ResolveParams) (any, error) {
			uid := id(p)
			if uid == nil {
				return nil, nil
			}
			return thunk(loaders(p).users.Load(p.Context, *uid)), nil
		}}
	}

	donor = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Donor",
		Description: "A company, public body, association or person who gives devices.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			return graphql.Fields{
				"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
					return globalID("Donor", p.Source.(*inventory.Donor).ID), nil
				}},
				"name":               {Type: nonNull(graphql.String)},
				"kind":               {Type: nonNull(donorKind)},
				"registrationNumber": {Type: graphql.String},
				"contactName":        {Type: graphql.String},
				"email":              {Type: graphql.String},
				"phone":              {Type: graphql.String},
				"address":            {Type: graphql.String},
				"postalCode":         {Type: graphql.String},
				"city":               {Type: graphql.String},
				"country":            {Type: nonNull(graphql.String), Description: "ISO 3166 alpha-2 code."},
				"notes":              {Type: graphql.String},
				"createdAt":          {Type: nonNull(b.timeT)},
				"donations": {
					Type:        nonNull(donationConnection),
					Description: "The donor's donations, newest first.",
					Args: graphql.FieldConfigArgument{
						"first": {Type: graphql.Int, DefaultValue: 20},
						"after": {Type: graphql.String},
					},
					Resolve: func(p graphql.ResolveParams) (any, error) {
						pg, donor := page(p, 20), p.Source.(*inventory.Donor).ID
						present := func(dp *inventory.DonationPage) any {
							return map[string]any{"nodes": pointers(dp.Donations), "pageInfo": pageInfo(dp.HasNextPage, dp.EndCursor), "totalCount": dp.TotalCount}
						}
						if pg.After != "" {
							dp, err := st().Donations(p.Context, donor, pg)
							if err != nil {
								return nil, err
							}
							return present(dp), nil
						}
						// First pages of a list of donors come in one statement.
						th := loaders(p).donorPages.Load(p.Context, donationPageKey{donor, pg.First})
						return func() (any, error) {
							dp, err := th()
							if err != nil {
								return nil, err
							}
							return present(dp), nil
						}, nil
					},
				},
			}
		}),
	})
	donorConnection := graphql.NewObject(graphql.ObjectConfig{
		Name: "DonorConnection",
		Fields: graphql.Fields{
			"nodes":      {Type: listOf(donor)},
			"pageInfo":   {Type: nonNull(b.pageInfo)},
			"totalCount": {Type: nonNull(graphql.Int)},
		},
	})

	donation = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Donation",
		Description: "One intake batch: what one donor, or an anonymous drop-off, gave at one place on one day.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			return graphql.Fields{
				"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
					return globalID("Donation", p.Source.(*inventory.Donation).ID), nil
				}},
				"number": {Type: nonNull(graphql.String), Description: "The human reference printed on documents, e.g. DON-2026-00042."},
				"donor": {Type: donor, Description: "Null for an anonymous drop-off.", Resolve: func(p graphql.ResolveParams) (any, error) {
					d := p.Source.(*inventory.Donation)
					if d.DonorID == nil {
						return nil, nil
					}
					return thunk(loaders(p).donors.Load(p.Context, *d.DonorID)), nil
				}},
				"receivedOn":     {Type: nonNull(b.dateT)},
				"donorReference": {Type: graphql.String, Description: "The donor's own reference: their purchase order or asset list."},
				"note":           {Type: graphql.String},
				"closedAt":       {Type: b.timeT, Description: "When the donation was closed; devices can be added until then."},
				"createdAt":      {Type: nonNull(b.timeT)},
				"receivedBy": userField(user, func(p graphql.ResolveParams) *int64 {
					return p.Source.(*inventory.Donation).ReceivedBy
				}),
				"devices": {
					Type:        nonNull(deviceConnection),
					Description: "The donation's devices, by default in intake (tag) order.",
					Args: graphql.FieldConfigArgument{
						"first": {Type: graphql.Int, DefaultValue: 100},
						"after": {Type: graphql.String},
						"sort":  {Type: deviceSort, DefaultValue: inventory.SortTagAsc},
					},
					Resolve: func(p graphql.ResolveParams) (any, error) {
						sort, _ := p.Args["sort"].(inventory.DeviceSort)
						pg := page(p, 100)
						don := p.Source.(*inventory.Donation)
						if pg.After != "" {
							return b.devicePage(p, inventory.DeviceFilter{DonationID: don.ID}, sort, pg)
						}
						// First pages of a list of donations come in one statement.
						l := loaders(p)
						th := l.firstPages.Load(p.Context, firstPageKey{don.ID, pg.First, sort})
						return func() (any, error) {
							dp, err := th()
							if err != nil {
								return nil, err
							}
							return b.deviceConnection(p, l, dp), nil
						}, nil
					},
				},
			}
		}),
	})
	donationConnection = graphql.NewObject(graphql.ObjectConfig{
		Name: "DonationConnection",
		Fields: graphql.Fields{
			"nodes":      {Type: listOf(donation)},
			"pageInfo":   {Type: nonNull(b.pageInfo)},
			"totalCount": {Type: nonNull(graphql.Int)},
		},
	})

	wipeRecord = graphql.NewObject(graphql.ObjectConfig{
		Name:        "WipeRecord",
		Description: "One sanitization attempt on one storage medium (NIST SP 800-88).",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: graphql.Fields{
			"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
				return globalID("WipeRecord", p.Source.(*inventory.WipeRecord).ID), nil
			}},
			"method":       {Type: nonNull(method)},
			"technique":    {Type: nonNull(graphql.String), Description: `E.g. "1-pass zero overwrite", "NVMe Format (crypto erase)", "shredded, DIN 66399 H-5".`},
			"standard":     {Type: graphql.String, Description: `E.g. "NIST SP 800-88 Rev. 2".`},
			"tool":         {Type: graphql.String, Description: `Tool and version, e.g. "nwipe 0.38".`},
			"verification": {Type: nonNull(verification)},
			"result":       {Type: nonNull(wipeResult)},
			"warnings":     {Type: graphql.String},
			"operator": userField(nonNull(user), func(p graphql.ResolveParams) *int64 {
				return &p.Source.(*inventory.WipeRecord).OperatorID
			}),
			"verifier": userField(user, func(p graphql.ResolveParams) *int64 {
				return p.Source.(*inventory.WipeRecord).VerifierID
			}),
			"startedAt":             {Type: b.timeT},
			"finishedAt":            {Type: nonNull(b.timeT)},
			"destination":           {Type: destination},
			"contractor":            {Type: graphql.String},
			"contractorCertificate": {Type: graphql.String},
			"dinLevel":              {Type: graphql.String, Description: "DIN 66399 level of a destruction, e.g. H-5."},
			"reportFilename":        {Type: graphql.String},
			"reportSHA256":          {Type: graphql.String},
			"cycle":                 {Type: nonNull(graphql.Int), Description: "The device's lifecycle cycle the record belongs to: a returned device is sanitized again."},
			"createdAt":             {Type: nonNull(b.timeT)},
		},
	})

	storageMedium = graphql.NewObject(graphql.ObjectConfig{
		Name:        "StorageMedium",
		Description: "A drive of a device; each is sanitized and recorded on its own.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			return graphql.Fields{
				"id": mediumField(nonNull(graphql.ID), func(m *inventory.StorageMedium) any {
					return globalID("StorageMedium", m.ID)
				}),
				"kind":         mediumField(nonNull(storageKind), func(m *inventory.StorageMedium) any { return m.Kind }),
				"make":         mediumField(graphql.String, func(m *inventory.StorageMedium) any { return m.Make }),
				"model":        mediumField(graphql.String, func(m *inventory.StorageMedium) any { return m.Model }),
				"serialNumber": mediumField(graphql.String, func(m *inventory.StorageMedium) any { return m.SerialNumber }),
				"capacityGB":   mediumField(graphql.Float, func(m *inventory.StorageMedium) any { return m.CapacityGB }),
				"device": {Type: nonNull(device), Resolve: func(p graphql.ResolveParams) (any, error) {
					return thunk(loaders(p).devices.Load(p.Context, p.Source.(medium).DeviceID)), nil
				}},
				"sanitization": {
					Type:        wipeRecord,
					Description: "The latest sanitization record of the device's current cycle, passing or not.",
					Resolve: func(p graphql.ResolveParams) (any, error) {
						return p.Source.(medium).sanitization, nil
					},
				},
			}
		}),
	})

	event := graphql.NewObject(graphql.ObjectConfig{
		Name:        "DeviceEvent",
		Description: "One entry of a device's history; events are never changed or deleted.",
		Fields: graphql.Fields{
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
			"actor": userField(user, func(p graphql.ResolveParams) *int64 {
				return p.Source.(*inventory.Event).ActorID
			}),
			"note": {Type: graphql.String},
		},
	})

	flag := graphql.NewObject(graphql.ObjectConfig{
		Name:        "DeviceFlag",
		Description: "An open flag on a device.",
		Fields: graphql.Fields{
			"flag": {Type: nonNull(flagKind)},
			"blocking": {Type: nonNull(graphql.Boolean), Description: "Whether it keeps the device from becoming READY.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					return p.Source.(*inventory.DeviceFlag).Flag.Blocking(), nil
				}},
			"note": {Type: graphql.String},
			"setBy": userField(user, func(p graphql.ResolveParams) *int64 {
				return p.Source.(*inventory.DeviceFlag).SetBy
			}),
			"setAt": {Type: nonNull(b.timeT)},
		},
	})

	deviceWork := graphql.Fields{} // filled by addWork
	device = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Device",
		Description: "One donated device.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			fields := graphql.Fields{
				"id":           devField(nonNull(graphql.ID), func(d *inventory.Device) any { return globalID("Device", d.ID) }),
				"tag":          devField(nonNull(graphql.String), func(d *inventory.Device) any { return d.Tag }),
				"kind":         devField(nonNull(deviceKind), func(d *inventory.Device) any { return d.Kind }),
				"make":         devField(graphql.String, func(d *inventory.Device) any { return d.Make }),
				"model":        devField(graphql.String, func(d *inventory.Device) any { return d.Model }),
				"serialNumber": devField(graphql.String, func(d *inventory.Device) any { return d.SerialNumber }),
				"status":       devField(nonNull(deviceStatus), func(d *inventory.Device) any { return d.Status }),
				"version": {Type: nonNull(graphql.Int), Description: "Bumped on every change; mutations that change a device take it.",
					Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*inventory.Device).Version, nil }},
				"manufactureYear":  devField(graphql.Int, func(d *inventory.Device) any { return d.ManufactureYear }),
				"cpu":              devField(graphql.String, func(d *inventory.Device) any { return d.CPU }),
				"ramGB":            devField(graphql.Float, func(d *inventory.Device) any { return d.RAMGB }),
				"screenInches":     devField(graphql.Float, func(d *inventory.Device) any { return d.ScreenInches }),
				"batteryHealthPct": devField(graphql.Int, func(d *inventory.Device) any { return d.BatteryHealthPct }),
				"osInstalled":      devField(graphql.String, func(d *inventory.Device) any { return d.OSInstalled }),
				"keyboardLayout":   devField(graphql.String, func(d *inventory.Device) any { return d.KeyboardLayout }),
				"conditionGrade":   devField(graphql.String, func(d *inventory.Device) any { return d.ConditionGrade }),
				"weightKG":         devField(nonNull(graphql.Float), func(d *inventory.Device) any { return d.WeightKG }),
				"location":         devField(graphql.String, func(d *inventory.Device) any { return d.Location }),
				"donorAssetTag":    devField(graphql.String, func(d *inventory.Device) any { return d.DonorAssetTag }),
				"notes":            devField(graphql.String, func(d *inventory.Device) any { return d.Notes }),
				"cycle": {Type: nonNull(graphql.Int), Description: "Counts the device's passes through the workshop: a returned device starts a new one.",
					Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*inventory.Device).Cycle, nil }},
				"receivedAt": devField(nonNull(b.timeT), func(d *inventory.Device) any { return d.ReceivedAt }),
				"updatedAt":  devField(nonNull(b.timeT), func(d *inventory.Device) any { return d.UpdatedAt }),
				"scanURL": {Type: nonNull(graphql.String), Description: "The URL the QR code encodes, in upper case so that the code stays small (alphanumeric mode).",
					Resolve: func(p graphql.ResolveParams) (any, error) {
						return strings.ToUpper(b.deps.PublicURL) + "/D/" + p.Source.(*inventory.Device).Tag, nil
					}},
				"labelURL": {Type: nonNull(graphql.String), Description: "PNG label for this device.",
					Resolve: func(p graphql.ResolveParams) (any, error) {
						return b.deps.PublicURL + "/labels/" + p.Source.(*inventory.Device).Tag + ".png", nil
					}},
				"donation": {Type: donation, Resolve: func(p graphql.ResolveParams) (any, error) {
					return thunk(loaders(p).donations.Load(p.Context, p.Source.(*inventory.Device).DonationID)), nil
				}},
				"storage": {Type: listOf(storageMedium), Resolve: func(p graphql.ResolveParams) (any, error) {
					return thunk(loaders(p).storage.Load(p.Context, p.Source.(*inventory.Device).ID)), nil
				}},
				"wipeComplete": {
					Type:        nonNull(graphql.Boolean),
					Description: "Every storage medium has a passing sanitization record in the current cycle.",
					Resolve: func(p graphql.ResolveParams) (any, error) {
						th := loaders(p).storage.Load(p.Context, p.Source.(*inventory.Device).ID)
						return func() (any, error) {
							media, err := th()
							if err != nil {
								return nil, err
							}
							for _, m := range media {
								if m.sanitization == nil || m.sanitization.Result != inventory.ResultPassed {
									return false, nil
								}
							}
							return true, nil
						}, nil
					},
				},
				"allowedTransitions": {
					Type:        listOf(deviceStatus),
					Description: "The statuses the current user may move the device to now, given the lifecycle, their role and the guards.",
					Resolve: func(p graphql.ResolveParams) (any, error) {
						return thunk(loaders(p).transitions.Load(p.Context, p.Source.(*inventory.Device))), nil
					},
				},
				"events": {
					Type:        listOf(event),
					Description: "The device's last events, newest first.",
					Args:        graphql.FieldConfigArgument{"last": {Type: graphql.Int, DefaultValue: 20}},
					Resolve: func(p graphql.ResolveParams) (any, error) {
						last, _ := p.Args["last"].(int)
						th := loaders(p).events.Load(p.Context, eventsKey{p.Source.(*inventory.Device).ID, last})
						return listThunk(th), nil
					},
				},
				"flags": {
					Type:        listOf(flag),
					Description: "The device's open flags.",
					Resolve: func(p graphql.ResolveParams) (any, error) {
						th := loaders(p).flags.Load(p.Context, p.Source.(*inventory.Device).ID)
						return listThunk(th), nil
					},
				},
			}
			maps.Copy(fields, deviceWork)
			return fields
		}),
	})
	deviceConnection = graphql.NewObject(graphql.ObjectConfig{
		Name: "DeviceConnection",
		Fields: graphql.Fields{
			"nodes":      {Type: listOf(device)},
			"pageInfo":   {Type: nonNull(b.pageInfo)},
			"totalCount": {Type: nonNull(graphql.Int)},
		},
	})
	statusCount := graphql.NewObject(graphql.ObjectConfig{
		Name: "DeviceStatusCount",
		Fields: graphql.Fields{
			"status": {Type: nonNull(deviceStatus)},
			"count":  {Type: nonNull(graphql.Int)},
		},
	})
	for name, t := range map[string]*graphql.Object{"Device": device, "Donation": donation, "Donor": donor, "StorageMedium": storageMedium, "WipeRecord": wipeRecord} {
		b.nodeTypes[name] = t
	}

	deviceFilter := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "DeviceFilter",
		Fields: graphql.InputObjectConfigFieldMap{
			"status":     {Type: graphql.NewList(nonNull(deviceStatus))},
			"kind":       {Type: graphql.NewList(nonNull(deviceKind))},
			"donationID": {Type: graphql.ID},
			"search":     {Type: graphql.String, Description: "Part of the tag, serial, make or model."},
		},
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
	newDevice := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "NewDeviceInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"kind":             {Type: nonNull(deviceKind)},
			"make":             {Type: graphql.String},
			"model":            {Type: graphql.String},
			"serialNumber":     {Type: graphql.String},
			"storage":          {Type: graphql.NewList(nonNull(newStorage))},
			"manufactureYear":  {Type: graphql.Int, Description: "Devices older than the acceptance policy are flagged OVER_AGE."},
			"cpu":              {Type: graphql.String},
			"ramGB":            {Type: graphql.Float},
			"screenInches":     {Type: graphql.Float},
			"batteryHealthPct": {Type: graphql.Int},
			"osInstalled":      {Type: graphql.String},
			"keyboardLayout":   {Type: graphql.String, Description: "E.g. CH-FR, BE, FR, DE, US, UK."},
			"conditionGrade":   {Type: graphql.String, Description: "A, B, C or D."},
			"weightKG":         {Type: graphql.Float, Description: "Default: the kind's average weight."},
			"location":         {Type: graphql.String, Description: "Shelf or bin."},
			"donorAssetTag":    {Type: graphql.String},
			"notes":            {Type: graphql.String},
			"tag":              {Type: graphql.String, Description: "A pre-printed label's tag (from reserveTags) for the device to take, instead of the next one."},
		},
	})
	b.mutation["reserveTags"] = &graphql.Field{
		Type:        nonNull(graphql.NewList(nonNull(graphql.String))),
		Description: "Takes count new asset tags for labels printed before the devices arrive (print them at /labels?tags=...). Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"count": {Type: nonNull(graphql.Int)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			return st().ReserveTags(p.Context, p.Args["count"].(int))
		},
	}
	recordDonationInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "RecordDonationInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"donorID":        {Type: graphql.ID, Description: "Omitted for an anonymous drop-off."},
			"receivedOn":     {Type: nonNull(b.dateT)},
			"devices":        {Type: listOf(newDevice)},
			"note":           {Type: graphql.String},
			"donorReference": {Type: graphql.String, Description: "The donor's own reference: their purchase order or asset list."},
		},
	})
	recordWipeInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "RecordWipeInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"mediumID":              {Type: nonNull(graphql.ID)},
			"method":                {Type: nonNull(method)},
			"technique":             {Type: nonNull(graphql.String)},
			"tool":                  {Type: graphql.String},
			"result":                {Type: nonNull(wipeResult)},
			"finishedAt":            {Type: b.timeT, Description: "Default: now."},
			"standard":              {Type: graphql.String},
			"verification":          {Type: verification, Description: "Default: NONE."},
			"startedAt":             {Type: b.timeT},
			"warnings":              {Type: graphql.String},
			"verifierID":            {Type: graphql.ID, Description: "A second person who checked; not the operator."},
			"destination":           {Type: destination},
			"contractor":            {Type: graphql.String},
			"contractorCertificate": {Type: graphql.String},
			"dinLevel":              {Type: graphql.String, Description: "DIN 66399 level, required for a passed DESTROY, e.g. H-5 or E-4."},
			"reportFilename":        {Type: graphql.String},
			"reportSHA256":          {Type: graphql.String},
		},
	})

	b.query["device"] = &graphql.Field{
		Type:        device,
		Description: "A device by its asset tag, given in any case, with or without hyphens, or as the full scanned URL.",
		Args:        graphql.FieldConfigArgument{"tag": {Type: nonNull(graphql.String)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			// The scan lookup: the device, its storage and its last events in one prepared
			// statement, handed to the loaders so that the fields below cost nothing more.
			last := selectedEventsLast(p)
			sc, err := st().Scan(p.Context, p.Args["tag"].(string), last)
			if err != nil {
				return nil, err
			}
			l := loaders(p)
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
	b.query["devices"] = &graphql.Field{
		Type:        nonNull(deviceConnection),
		Description: "Devices matching a filter, one page at a time.",
		Args: graphql.FieldConfigArgument{
			"filter": {Type: deviceFilter},
			"first":  {Type: graphql.Int, DefaultValue: 50},
			"after":  {Type: graphql.String},
			"sort":   {Type: deviceSort, DefaultValue: inventory.SortIntakeDesc},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			var f inventory.DeviceFilter
			if m := inputMap(p.Args["filter"]); m != nil {
				for _, v := range inputList(m, "status") {
					status, _ := v.(inventory.Status)
					f.Statuses = append(f.Statuses, status)
				}
				for _, k := range inputList(m, "kind") {
					kind, _ := k.(inventory.Kind)
					f.Kinds = append(f.Kinds, kind)
				}
				id, err := optionalID("filter.donationID", "Donation", m["donationID"])
				if err != nil {
					return nil, err
				}
				if id != nil {
					f.DonationID = *id
				}
				f.Search = inputString(m, "search")
			}
			sort, _ := p.Args["sort"].(inventory.DeviceSort)
			return b.devicePage(p, f, sort, page(p, 50))
		},
	}
	b.query["statusCounts"] = &graphql.Field{
		Type:        listOf(statusCount),
		Description: "How many of the devices you may see are in each status, in lifecycle order.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			counts, err := st().StatusCounts(p.Context)
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
	b.query["donors"] = &graphql.Field{
		Type:        nonNull(donorConnection),
		Description: "Donors in the order they were recorded, optionally those whose name contains search. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"search": {Type: graphql.String},
			"first":  {Type: graphql.Int, DefaultValue: 50},
			"after":  {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			search, _ := p.Args["search"].(string)
			pg, err := st().Donors(p.Context, search, page(p, 50))
			if err != nil {
				return nil, err
			}
			nodes := make([]*inventory.Donor, len(pg.Donors))
			for i := range pg.Donors {
				nodes[i] = &pg.Donors[i]
			}
			return map[string]any{"nodes": nodes, "pageInfo": pageInfo(pg.HasNextPage, pg.EndCursor), "totalCount": pg.TotalCount}, nil
		},
	}
	b.query["donation"] = &graphql.Field{
		Type:        donation,
		Description: "A donation by id.",
		Args:        graphql.FieldConfigArgument{"id": {Type: nonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Donation", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			return st().Donation(p.Context, id)
		},
	}
	b.query["donationByNumber"] = &graphql.Field{
		Type:        donation,
		Description: "A donation by its number, e.g. DON-2026-00042 (any case).",
		Args:        graphql.FieldConfigArgument{"number": {Type: nonNull(graphql.String)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			return st().DonationByNumber(p.Context, p.Args["number"].(string))
		},
	}

	// Mutations: each is one domain call, one transaction. What the request loaded before is
	// forgotten after it, so that the selection reads the change.
	b.mutation["createDonor"] = &graphql.Field{
		Type:        nonNull(donor),
		Description: "Records a donor. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"name":               {Type: nonNull(graphql.String)},
			"kind":               {Type: nonNull(donorKind)},
			"registrationNumber": {Type: graphql.String},
			"contactName":        {Type: graphql.String},
			"email":              {Type: graphql.String},
			"phone":              {Type: graphql.String},
			"address":            {Type: graphql.String},
			"postalCode":         {Type: graphql.String},
			"city":               {Type: graphql.String},
			"country":            {Type: graphql.String, Description: "ISO 3166 alpha-2 code; default LU."},
			"notes":              {Type: graphql.String},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			kind, _ := p.Args["kind"].(inventory.DonorKind)
			created, err := st().CreateDonor(p.Context, inventory.NewDonor{
				Name:               inputString(p.Args, "name"),
				Kind:               kind,
				RegistrationNumber: inputString(p.Args, "registrationNumber"),
				ContactName:        inputString(p.Args, "contactName"),
				Email:              inputString(p.Args, "email"),
				Phone:              inputString(p.Args, "phone"),
				Address:            inputString(p.Args, "address"),
				PostalCode:         inputString(p.Args, "postalCode"),
				City:               inputString(p.Args, "city"),
				Country:            inputString(p.Args, "country"),
				Notes:              inputString(p.Args, "notes"),
			})
			if err != nil {
				return nil, err
			}
			b.changed(p, nil)
			return created, nil
		},
	}
	b.mutation["recordDonation"] = &graphql.Field{
		Type:        nonNull(donation),
		Description: "Records an intake batch with its devices: each device gets the next asset tag and an INTAKE event. Staff and administrators.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(recordDonationInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			in := inputMap(p.Args["input"])
			donorID, err := optionalID("input.donorID", "Donor", in["donorID"])
			if err != nil {
				return nil, err
			}
			n := inventory.NewDonation{
				DonorID:        donorID,
				DonorReference: inputString(in, "donorReference"),
				Note:           inputString(in, "note"),
				Devices:        newDevicesInput(inputList(in, "devices")),
			}
			if t := inputTime(in, "receivedOn"); t != nil {
				n.ReceivedOn = *t
			}
			d, _, err := st().RecordDonation(p.Context, n)
			if err != nil {
				return nil, inArg("input", err)
			}
			b.changed(p, nil)
			return d, nil
		},
	}
	b.mutation["addDevices"] = &graphql.Field{
		Type:        listOf(device),
		Description: "Adds devices to an open donation. Staff and administrators.",
		Args: graphql.FieldConfigArgument{
			"donationID": {Type: nonNull(graphql.ID)},
			"devices":    {Type: listOf(newDevice)},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("donationID", "Donation", p.Args["donationID"].(string))
			if err != nil {
				return nil, err
			}
			ds, err := st().AddDevices(p.Context, id, newDevicesInput(inputList(p.Args, "devices")))
			if err != nil {
				return nil, err
			}
			b.changed(p, nil)
			return pointers(ds), nil
		},
	}
	b.mutation["recordWipe"] = &graphql.Field{
		Type: nonNull(wipeRecord),
		Description: "Records a sanitization attempt on one medium, with you as operator. When every medium of a RECEIVED " +
			"device has passed, the device moves to WIPED by itself. Staff, administrators and trainees.",
		Args: graphql.FieldConfigArgument{"input": {Type: nonNull(recordWipeInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			in := inputMap(p.Args["input"])
			mediumID, err := idOf("input.mediumID", "StorageMedium", inputString(in, "mediumID"))
			if err != nil {
				return nil, err
			}
			verifierID, err := optionalID("input.verifierID", "User", in["verifierID"])
			if err != nil {
				return nil, err
			}
			m, _ := in["method"].(inventory.Method)
			r, _ := in["result"].(inventory.Result)
			ver, _ := in["verification"].(string)
			dest, _ := in["destination"].(string)
			w, d, err := st().RecordWipe(p.Context, inventory.NewWipe{
				MediumID:              mediumID,
				Method:                m,
				Technique:             inputString(in, "technique"),
				Standard:              inputString(in, "standard"),
				Tool:                  inputString(in, "tool"),
				Verification:          ver,
				StartedAt:             inputTime(in, "startedAt"),
				FinishedAt:            inputTime(in, "finishedAt"),
				Result:                r,
				Warnings:              inputString(in, "warnings"),
				VerifierID:            verifierID,
				Destination:           dest,
				Contractor:            inputString(in, "contractor"),
				ContractorCertificate: inputString(in, "contractorCertificate"),
				DINLevel:              inputString(in, "dinLevel"),
				ReportFilename:        inputString(in, "reportFilename"),
				ReportSHA256:          inputString(in, "reportSHA256"),
			})
			if err != nil {
				return nil, inArg("input", err)
			}
			b.changed(p, d)
			return w, nil
		},
	}
	b.mutation["transitionDevice"] = &graphql.Field{
		Type: nonNull(device),
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
			note, _ := p.Args["note"].(string)
			d, err := st().Transition(p.Context, id, p.Args["version"].(int), to, note)
			if err != nil {
				return nil, err
			}
			b.changed(p, d)
			return d, nil
		},
	}

	b.addWork(workTypes{device: device, deviceFields: deviceWork, storageMedium: storageMedium, deviceKind: deviceKind, flagKind: flagKind, newStorage: newStorage})
}

// changed forgets what the request loaded before a mutation, so that the mutation's selection
// reads the change, and keeps the device the mutation returned (nil for none).
func (b *builder) changed(p graphql.ResolveParams, d *inventory.Device) {
	l := b.inventoryLoaders(p)
	l.clear()
	if d != nil {
		l.devices.Prime(p.Context, d.ID, d)
	}
}

// devicePage runs a device list and presents it as a DeviceConnection.
func (b *builder) devicePage(p graphql.ResolveParams, f inventory.DeviceFilter, sort inventory.DeviceSort, pg inventory.Page) (any, error) {
	dp, err := b.deps.Inventory.Devices(p.Context, f, sort, pg)
	if err != nil {
		return nil, err
	}
	return b.deviceConnection(p, b.inventoryLoaders(p), dp), nil
}

// deviceConnection presents a page of devices, handing them to the devices loader.
func (b *builder) deviceConnection(p graphql.ResolveParams, l *inventoryLoaders, dp *inventory.DevicePage) map[string]any {
	nodes := pointers(dp.Devices)
	for _, d := range nodes {
		l.devices.Prime(p.Context, d.ID, d)
	}
	return map[string]any{"nodes": nodes, "pageInfo": pageInfo(dp.HasNextPage, dp.EndCursor), "totalCount": dp.TotalCount}
}

// workTypes are the inventory types that the work on devices refers to.
type workTypes struct {
	device, storageMedium *graphql.Object
	deviceFields          graphql.Fields // added to Device's fields
	deviceKind, flagKind  *graphql.Enum
	newStorage            *graphql.InputObject
}

// addWork adds the work done on devices in the workshop: repairs, QA checks, flags, notes,
// storage fitted later and corrections of a device's description.
func (b *builder) addWork(t workTypes) {
	st := func() *inventory.Store { return b.deps.Inventory }
	nonNull := graphql.NewNonNull
	listOf := func(t graphql.Type) graphql.Type { return nonNull(graphql.NewList(nonNull(t))) }
	user := b.nodeTypes["User"]
	loaders := b.inventoryLoaders
	loadUser := func(p graphql.ResolveParams, id *int64) (any, error) {
		if id == nil {
			return nil, nil
		}
		return thunk(loaders(p).users.Load(p.Context, *id)), nil
	}
	loadDevice := func(p graphql.ResolveParams, id int64) (any, error) {
		return thunk(loaders(p).devices.Load(p.Context, id)), nil
	}

	outcome := newEnum("RepairOutcome", "How a repair ended.", inventory.Outcomes)
	qaItem := graphql.NewObject(graphql.ObjectConfig{
		Name:        "QAItem",
		Description: "One line of a QA checklist, and its answer in a check.",
		Fields: graphql.Fields{
			"key":    {Type: nonNull(graphql.String)},
			"label":  {Type: graphql.String},
			"passed": {Type: nonNull(graphql.Boolean)},
			"note":   {Type: graphql.String},
		},
	})
	repairLog := graphql.NewObject(graphql.ObjectConfig{
		Name:        "RepairLog",
		Description: "Work done on a device.",
		Fields: graphql.Fields{
			"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
				return globalID("RepairLog", p.Source.(*inventory.RepairLog).ID), nil
			}},
			"device": {Type: nonNull(t.device), Resolve: func(p graphql.ResolveParams) (any, error) {
				return loadDevice(p, p.Source.(*inventory.RepairLog).DeviceID)
			}},
			"description": {Type: nonNull(graphql.String)},
			"partsUsed":   {Type: graphql.String},
			"minutes":     {Type: nonNull(graphql.Int)},
			"outcome": {Type: nonNull(outcome), Resolve: func(p graphql.ResolveParams) (any, error) {
				return inventory.Outcome(p.Source.(*inventory.RepairLog).Outcome), nil
			}},
			"recordedBy": {Type: nonNull(user), Resolve: func(p graphql.ResolveParams) (any, error) {
				return loadUser(p, &p.Source.(*inventory.RepairLog).RecordedBy)
			}},
			"workers": {Type: listOf(user), Description: "The people who did the work.", Resolve: func(p graphql.ResolveParams) (any, error) {
				th := loaders(p).users.LoadMany(p.Context, p.Source.(*inventory.RepairLog).WorkerIDs)
				return func() (any, error) {
					us, errs := th()
					for _, err := range errs {
						if err != nil {
							return nil, err
						}
					}
					return us, nil
				}, nil
			}},
			"cycle":     {Type: nonNull(graphql.Int)},
			"createdAt": {Type: nonNull(b.timeT)},
		},
	})
	qaCheck := graphql.NewObject(graphql.ObjectConfig{
		Name:        "QACheck",
		Description: "A device checked against its kind's checklist.",
		Fields: graphql.Fields{
			"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
				return globalID("QACheck", p.Source.(*inventory.QACheck).ID), nil
			}},
			"device": {Type: nonNull(t.device), Resolve: func(p graphql.ResolveParams) (any, error) {
				return loadDevice(p, p.Source.(*inventory.QACheck).DeviceID)
			}},
			"items":  {Type: listOf(qaItem)},
			"passed": {Type: nonNull(graphql.Boolean), Description: "Every item passed."},
			"performedBy": {Type: nonNull(user), Resolve: func(p graphql.ResolveParams) (any, error) {
				return loadUser(p, &p.Source.(*inventory.QACheck).PerformedBy)
			}},
			"verifiedBy": {Type: user, Description: "A second person who checked the result.", Resolve: func(p graphql.ResolveParams) (any, error) {
				return loadUser(p, p.Source.(*inventory.QACheck).VerifiedBy)
			}},
			"note":      {Type: graphql.String},
			"cycle":     {Type: nonNull(graphql.Int)},
			"createdAt": {Type: nonNull(b.timeT)},
		},
	})

	t.deviceFields["repairs"] = &graphql.Field{
		Type:        listOf(repairLog),
		Description: "Work done on the device, newest first.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			th := loaders(p).repairs.Load(p.Context, p.Source.(*inventory.Device).ID)
			return listThunk(th), nil
		},
	}
	t.deviceFields["qaChecks"] = &graphql.Field{
		Type:        listOf(qaCheck),
		Description: "The device's QA checks, newest first.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			th := loaders(p).qaChecks.Load(p.Context, p.Source.(*inventory.Device).ID)
			return listThunk(th), nil
		},
	}

	b.query["qaTemplate"] = &graphql.Field{
		Type:        listOf(qaItem),
		Description: "The QA checklist of a device kind: the items a check must answer. Staff, administrators and trainees.",
		Args:        graphql.FieldConfigArgument{"kind": {Type: nonNull(t.deviceKind)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			kind, _ := p.Args["kind"].(inventory.Kind)
			return st().QATemplate(p.Context, kind)
		},
	}

	recordRepairInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "RecordRepairInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"deviceID":    {Type: nonNull(graphql.ID)},
			"description": {Type: nonNull(graphql.String), Description: "What was done."},
			"partsUsed":   {Type: graphql.String},
			"minutes":     {Type: nonNull(graphql.Int)},
			"outcome":     {Type: nonNull(outcome)},
			"workerIDs":   {Type: graphql.NewList(nonNull(graphql.ID)), Description: "Who did the work; default: you."},
		},
	})
	qaItemInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "QAItemInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"key":    {Type: nonNull(graphql.String), Description: "An item of the kind's checklist (qaTemplate)."},
			"passed": {Type: nonNull(graphql.Boolean)},
			"note":   {Type: graphql.String},
		},
	})
	recordQACheckInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "RecordQACheckInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"deviceID":   {Type: nonNull(graphql.ID)},
			"items":      {Type: listOf(qaItemInput), Description: "Every item of the checklist, answered once."},
			"verifiedBy": {Type: graphql.ID, Description: "A second person who checked the result; not you."},
			"note":       {Type: graphql.String},
		},
	})
	devicePatch := graphql.NewInputObject(graphql.InputObjectConfig{
		Name:        "DevicePatchInput",
		Description: "Changes to a device's description: an omitted or null field is left as it is, an empty string clears a text field.",
		Fields: graphql.InputObjectConfigFieldMap{
			"make":             {Type: graphql.String},
			"model":            {Type: graphql.String},
			"serialNumber":     {Type: graphql.String},
			"manufactureYear":  {Type: graphql.Int},
			"cpu":              {Type: graphql.String},
			"ramGB":            {Type: graphql.Float},
			"screenInches":     {Type: graphql.Float},
			"batteryHealthPct": {Type: graphql.Int},
			"osInstalled":      {Type: graphql.String},
			"keyboardLayout":   {Type: graphql.String},
			"conditionGrade":   {Type: graphql.String},
			"weightKG":         {Type: graphql.Float},
			"location":         {Type: graphql.String},
			"donorAssetTag":    {Type: graphql.String},
			"notes":            {Type: graphql.String},
		},
	})

	deviceArgs := func(more graphql.FieldConfigArgument) graphql.FieldConfigArgument {
		args := graphql.FieldConfigArgument{
			"id":      {Type: nonNull(graphql.ID)},
			"version": {Type: nonNull(graphql.Int), Description: "The version you read: a device changed since gets CONFLICT."},
		}
		for k, v := range more {
			args[k] = v
		}
		return args
	}

	b.mutation["recordRepair"] = &graphql.Field{
		Type:        nonNull(repairLog),
		Description: "Records work done on a device in the workshop, with you as the one who wrote it down. Staff, administrators and trainees.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(recordRepairInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			in := inputMap(p.Args["input"])
			deviceID, err := idOf("input.deviceID", "Device", inputString(in, "deviceID"))
			if err != nil {
				return nil, err
			}
			n := inventory.NewRepair{
				DeviceID:    deviceID,
				Description: inputString(in, "description"),
				PartsUsed:   inputString(in, "partsUsed"),
			}
			if m := inputInt(in, "minutes"); m != nil {
				n.Minutes = *m
			}
			n.Outcome, _ = in["outcome"].(inventory.Outcome)
			for i, v := range inputList(in, "workerIDs") {
				s, _ := v.(string)
				id, err := idOf(fmt.Sprintf("input.workerIDs[%d]", i), "User", s)
				if err != nil {
					return nil, err
				}
				n.WorkerIDs = append(n.WorkerIDs, id)
			}
			r, d, err := st().RecordRepair(p.Context, n)
			if err != nil {
				return nil, inArg("input", err)
			}
			b.changed(p, d)
			return r, nil
		},
	}
	b.mutation["recordQACheck"] = &graphql.Field{
		Type: nonNull(qaCheck),
		Description: "Records a QA check of a device against its kind's checklist, performed by you. A READY device that fails " +
			"goes back to IN_REPAIR. Staff, administrators and trainees.",
		Args: graphql.FieldConfigArgument{"input": {Type: nonNull(recordQACheckInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			in := inputMap(p.Args["input"])
			deviceID, err := idOf("input.deviceID", "Device", inputString(in, "deviceID"))
			if err != nil {
				return nil, err
			}
			verifiedBy, err := optionalID("input.verifiedBy", "User", in["verifiedBy"])
			if err != nil {
				return nil, err
			}
			n := inventory.NewQACheck{DeviceID: deviceID, VerifiedBy: verifiedBy, Note: inputString(in, "note")}
			for _, v := range inputList(in, "items") {
				it := inputMap(v)
				passed, _ := it["passed"].(bool)
				n.Items = append(n.Items, inventory.QAItem{Key: inputString(it, "key"), Passed: passed, Note: inputString(it, "note")})
			}
			q, d, err := st().RecordQACheck(p.Context, n)
			if err != nil {
				return nil, inArg("input", err)
			}
			b.changed(p, d)
			return q, nil
		},
	}
	b.mutation["setDeviceFlag"] = &graphql.Field{
		Type: nonNull(t.device),
		Description: "Opens a flag on a device; an open flag stays as it is. A blocking flag sends a READY device back to " +
			"IN_REPAIR. Staff, administrators and trainees.",
		Args: deviceArgs(graphql.FieldConfigArgument{
			"flag": {Type: nonNull(t.flagKind)},
			"note": {Type: graphql.String},
		}),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Device", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			flag, _ := p.Args["flag"].(inventory.Flag)
			d, err := st().SetFlag(p.Context, id, p.Args["version"].(int), flag, inputString(p.Args, "note"))
			if err != nil {
				return nil, err
			}
			b.changed(p, d)
			return d, nil
		},
	}
	b.mutation["clearDeviceFlag"] = &graphql.Field{
		Type: nonNull(t.device),
		Description: "Clears an open flag of a device. WIPE_FAILED stays while a medium lacks a passing record; only staff " +
			"and administrators clear WIPE_FAILED and OVER_AGE.",
		Args: deviceArgs(graphql.FieldConfigArgument{"flag": {Type: nonNull(t.flagKind)}}),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Device", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			flag, _ := p.Args["flag"].(inventory.Flag)
			d, err := st().ClearFlag(p.Context, id, p.Args["version"].(int), flag)
			if err != nil {
				return nil, err
			}
			b.changed(p, d)
			return d, nil
		},
	}
	b.mutation["addDeviceNote"] = &graphql.Field{
		Type:        nonNull(t.device),
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
			d, err := st().AddNote(p.Context, id, 0, inputString(p.Args, "note"))
			if err != nil {
				return nil, err
			}
			b.changed(p, d)
			return d, nil
		},
	}
	b.mutation["addStorage"] = &graphql.Field{
		Type: nonNull(t.storageMedium),
		Description: "Records a storage medium found in, or fitted to, a RECEIVED, WIPED or IN_REPAIR device; a WIPED device " +
			"moves to IN_REPAIR until the medium is sanitized. Staff, administrators and trainees.",
		Args: graphql.FieldConfigArgument{
			"deviceID": {Type: nonNull(graphql.ID)},
			"input":    {Type: nonNull(t.newStorage)},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("deviceID", "Device", p.Args["deviceID"].(string))
			if err != nil {
				return nil, err
			}
			m, d, err := st().AddStorage(p.Context, id, newStorageInput(inputMap(p.Args["input"])))
			if err != nil {
				return nil, inArg("input", err)
			}
			b.changed(p, d)
			return medium{StorageMedium: m}, nil
		},
	}
	b.mutation["updateDevice"] = &graphql.Field{
		Type:        nonNull(t.device),
		Description: "Corrects a device's description (specs, location, notes). Staff, administrators and trainees.",
		Args:        deviceArgs(graphql.FieldConfigArgument{"input": {Type: nonNull(devicePatch)}}),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Device", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			in := inputMap(p.Args["input"])
			text := func(k string) *string {
				if s, ok := in[k].(string); ok {
					return &s
				}
				return nil
			}
			d, err := st().UpdateDevice(p.Context, id, p.Args["version"].(int), inventory.DevicePatch{
				Make:             text("make"),
				Model:            text("model"),
				SerialNumber:     text("serialNumber"),
				ManufactureYear:  inputInt(in, "manufactureYear"),
				CPU:              text("cpu"),
				RAMGB:            inputFloat(in, "ramGB"),
				ScreenInches:     inputFloat(in, "screenInches"),
				BatteryHealthPct: inputInt(in, "batteryHealthPct"),
				OSInstalled:      text("osInstalled"),
				KeyboardLayout:   text("keyboardLayout"),
				ConditionGrade:   text("conditionGrade"),
				WeightKG:         inputFloat(in, "weightKG"),
				Location:         text("location"),
				DonorAssetTag:    text("donorAssetTag"),
				Notes:            text("notes"),
			})
			if err != nil {
				return nil, inArg("input", err)
			}
			b.changed(p, d)
			return d, nil
		},
	}
}
