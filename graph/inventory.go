package graph

// addInventory adds donors, donations, devices, storage media, wipes and the lifecycle.
func (b *builder) addInventory() {}
