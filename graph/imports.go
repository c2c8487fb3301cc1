package graph

// addImports adds the results of donors' asset-list imports.
func (b *builder) addImports() {}
