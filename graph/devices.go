package graph

import (
	"maps"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/inventory"
)

// addDevices adds the devices: their description, lists of them, and adding and correcting them.
// The work on a device (storage, wipes, lifecycle, events, flags, repairs, QA, tags) is in its
// own area, which adds its fields to Device.
func (b *builder) addDevices() {
	st := b.deps.Inventory
	deviceKind := newEnum("DeviceKind", "What sort of device it is.", inventory.Kinds)
	deviceSort := newEnum("DeviceSort", "The order of a device list.", []inventory.DeviceSort{inventory.SortIntakeDesc, inventory.SortTagAsc})
	b.register(deviceKind, deviceSort)

	device := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Device",
		Description: "One donated device.",
		Interfaces:  []*graphql.Interface{b.node},
		Fields:      b.fields("Device", b.deviceFields),
	})
	addNode(b, device, func(p graphql.ResolveParams, id int64) (*inventory.Device, error) {
		return found(st.Device(p.Context, id))
	})
	deviceConnection := b.newConnection("DeviceConnection", device)
	deviceFilter := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "DeviceFilter",
		Fields: graphql.InputObjectConfigFieldMapThunk(func() graphql.InputObjectConfigFieldMap {
			return graphql.InputObjectConfigFieldMap{
				"status":     {Type: graphql.NewList(nonNull(b.enum("DeviceStatus")))},
				"kind":       {Type: graphql.NewList(nonNull(deviceKind))},
				"donationID": {Type: graphql.ID},
				"search":     {Type: graphql.String, Description: "Part of the tag, serial, make or model."},
			}
		}),
	})
	newDevice := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "NewDeviceInput",
		Fields: graphql.InputObjectConfigFieldMapThunk(func() graphql.InputObjectConfigFieldMap {
			return graphql.InputObjectConfigFieldMap{
				"kind":             {Type: nonNull(deviceKind)},
				"make":             {Type: graphql.String},
				"model":            {Type: graphql.String},
				"serialNumber":     {Type: graphql.String},
				"storage":          {Type: graphql.NewList(nonNull(b.input("NewStorageInput")))},
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
			}
		}),
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
	b.register(deviceConnection, deviceFilter, newDevice, devicePatch)

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
			f, err := newDeviceFilter(inputMap(p.Args["filter"]))
			if err != nil {
				return nil, inArg("filter", err)
			}
			sort, _ := p.Args["sort"].(inventory.DeviceSort)
			return b.devicePage(p, f, sort, page(p, 50))
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
			ds, err := st.AddDevices(p.Context, id, newDeviceInputs(inputList(p.Args, "devices")))
			if err != nil {
				return nil, err
			}
			b.changed(p, nil)
			return pointers(ds), nil
		},
	}
	b.mutation["updateDevice"] = &graphql.Field{
		Type:        nonNull(device),
		Description: "Corrects a device's description (specs, location, notes). Staff, administrators and trainees.",
		Args:        deviceArgs(graphql.FieldConfigArgument{"input": {Type: nonNull(devicePatch)}}),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Device", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			d, err := st.UpdateDevice(p.Context, id, p.Args["version"].(int), newDevicePatchInput(inputMap(p.Args["input"])))
			if err != nil {
				return nil, inArg("input", err)
			}
			b.changed(p, d)
			return d, nil
		},
	}
}

// deviceFields are the fields of Device that describe it; other areas add theirs.
func (b *builder) deviceFields() graphql.Fields {
	field := func(t graphql.Output, f func(*inventory.Device) any) *graphql.Field {
		return &graphql.Field{Type: t, Resolve: func(p graphql.ResolveParams) (any, error) {
			return f(p.Source.(*inventory.Device)), nil
		}}
	}
	return graphql.Fields{
		"id":           field(nonNull(graphql.ID), func(d *inventory.Device) any { return globalID("Device", d.ID) }),
		"tag":          field(nonNull(graphql.String), func(d *inventory.Device) any { return d.Tag }),
		"kind":         field(nonNull(b.enum("DeviceKind")), func(d *inventory.Device) any { return d.Kind }),
		"make":         field(graphql.String, func(d *inventory.Device) any { return d.Make }),
		"model":        field(graphql.String, func(d *inventory.Device) any { return d.Model }),
		"serialNumber": field(graphql.String, func(d *inventory.Device) any { return d.SerialNumber }),
		"status":       field(nonNull(b.enum("DeviceStatus")), func(d *inventory.Device) any { return d.Status }),
		"version": {Type: nonNull(graphql.Int), Description: "Bumped on every change; mutations that change a device take it.",
			Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*inventory.Device).Version, nil }},
		"manufactureYear":  field(graphql.Int, func(d *inventory.Device) any { return d.ManufactureYear }),
		"cpu":              field(graphql.String, func(d *inventory.Device) any { return d.CPU }),
		"ramGB":            field(graphql.Float, func(d *inventory.Device) any { return d.RAMGB }),
		"screenInches":     field(graphql.Float, func(d *inventory.Device) any { return d.ScreenInches }),
		"batteryHealthPct": field(graphql.Int, func(d *inventory.Device) any { return d.BatteryHealthPct }),
		"osInstalled":      field(graphql.String, func(d *inventory.Device) any { return d.OSInstalled }),
		"keyboardLayout":   field(graphql.String, func(d *inventory.Device) any { return d.KeyboardLayout }),
		"conditionGrade":   field(graphql.String, func(d *inventory.Device) any { return d.ConditionGrade }),
		"weightKG":         field(nonNull(graphql.Float), func(d *inventory.Device) any { return d.WeightKG }),
		"location":         field(graphql.String, func(d *inventory.Device) any { return d.Location }),
		"donorAssetTag":    field(graphql.String, func(d *inventory.Device) any { return d.DonorAssetTag }),
		"notes":            field(graphql.String, func(d *inventory.Device) any { return d.Notes }),
		"cycle": {Type: nonNull(graphql.Int), Description: "Counts the device's passes through the workshop: a returned device starts a new one.",
			Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(*inventory.Device).Cycle, nil }},
		"receivedAt": field(nonNull(b.timeT), func(d *inventory.Device) any { return d.ReceivedAt }),
		"updatedAt":  field(nonNull(b.timeT), func(d *inventory.Device) any { return d.UpdatedAt }),
		"donation": {Type: b.object("Donation"), Resolve: func(p graphql.ResolveParams) (any, error) {
			return thunk(b.inventoryLoaders(p).donations.Load(p.Context, p.Source.(*inventory.Device).DonationID)), nil
		}},
	}
}

// deviceField resolves a field of type Device to the device whose id id reads from the source,
// through the request's devices loader.
func (b *builder) deviceField(id func(p graphql.ResolveParams) int64) *graphql.Field {
	return &graphql.Field{Type: nonNull(b.object("Device")), Resolve: func(p graphql.ResolveParams) (any, error) {
		return thunk(b.inventoryLoaders(p).devices.Load(p.Context, id(p))), nil
	}}
}

// deviceArgs are the arguments of a mutation that changes a device, id and version, and more.
func deviceArgs(more graphql.FieldConfigArgument) graphql.FieldConfigArgument {
	args := graphql.FieldConfigArgument{
		"id":      {Type: nonNull(graphql.ID)},
		"version": {Type: nonNull(graphql.Int), Description: "The version you read: a device changed since gets CONFLICT."},
	}
	maps.Copy(args, more)
	return args
}

// newDeviceFilter reads a DeviceFilter; nil is no filter.
func newDeviceFilter(m map[string]any) (inventory.DeviceFilter, error) {
	var f inventory.DeviceFilter
	if m == nil {
		return f, nil
	}
	f.Statuses = inputEnums[inventory.Status](m, "status")
	f.Kinds = inputEnums[inventory.Kind](m, "kind")
	id, err := optionalID("donationID", "Donation", m["donationID"])
	if err != nil {
		return inventory.DeviceFilter{}, err
	}
	if id != nil {
		f.DonationID = *id
	}
	f.Search = inputString(m, "search")
	return f, nil
}

// newDeviceInput reads a NewDeviceInput.
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

// newDeviceInputs reads a list of NewDeviceInput.
func newDeviceInputs(l []any) []inventory.NewDevice {
	out := make([]inventory.NewDevice, len(l))
	for i, v := range l {
		out[i] = newDeviceInput(inputMap(v))
	}
	return out
}

// newDevicePatchInput reads a DevicePatchInput.
func newDevicePatchInput(m map[string]any) inventory.DevicePatch {
	return inventory.DevicePatch{
		Make:             inputText(m, "make"),
		Model:            inputText(m, "model"),
		SerialNumber:     inputText(m, "serialNumber"),
		ManufactureYear:  inputInt(m, "manufactureYear"),
		CPU:              inputText(m, "cpu"),
		RAMGB:            inputFloat(m, "ramGB"),
		ScreenInches:     inputFloat(m, "screenInches"),
		BatteryHealthPct: inputInt(m, "batteryHealthPct"),
		OSInstalled:      inputText(m, "osInstalled"),
		KeyboardLayout:   inputText(m, "keyboardLayout"),
		ConditionGrade:   inputText(m, "conditionGrade"),
		WeightKG:         inputFloat(m, "weightKG"),
		Location:         inputText(m, "location"),
		DonorAssetTag:    inputText(m, "donorAssetTag"),
		Notes:            inputText(m, "notes"),
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
	return connection(nodes, dp.HasNextPage, dp.EndCursor, dp.TotalCount)
}
