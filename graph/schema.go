package graph

import (
	"fmt"
	"maps"
	"reflect"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/impact"
	"github.com/digital-inclusion/refurb/inventory"
	"github.com/digital-inclusion/refurb/requests"
	"github.com/digital-inclusion/refurb/workshops"
)

// Deps are the domain services the schema's resolvers call.
type Deps struct {
	Auth      *auth.Service
	Inventory *inventory.Store
	// Certificates issues and verifies donation and erasure certificates.
	Certificates *certificates.Store
	// Requests serves partner organisations, device requests and the hand-out.
	Requests *requests.Store
	// Workshops runs the school: trainees, hours, sessions, skills.
	Workshops *workshops.Store
	// Impact reads the impact ledger and donors' impact.
	Impact *impact.Store
	// PublicURL is where users reach the server (no trailing slash); scan and label URLs start with it.
	PublicURL string
}

// builder holds what the areas share while the schema is assembled: the shared types, the
// registry of every area's named types, the fields areas add to other areas' objects, the types
// node(id:) resolves, and the root fields. It lives only during NewSchema.
//
// An area (one file: donors.go, devices.go, ...) registers its types and declares the fields of
// its objects and input objects in thunks (graphql.FieldsThunk), which run once every area is
// added, so that they may name any area's types through b.object, b.enum and b.input. The types
// and arguments of a query or mutation are built at once: they may name the area's own types and
// those of the areas NewSchema adds before it.
type builder struct {
	deps     Deps
	node     *graphql.Interface
	pageInfo *graphql.Object
	timeT    *graphql.Scalar
	dateT    *graphql.Scalar
	// types holds every area's named types by name.
	types map[string]graphql.Type
	// extensions are the fields areas add to another area's object, by the object's name;
	// extended records the objects whose thunks took theirs in.
	extensions map[string]graphql.Fields
	extended   map[string]bool
	// nodes are the types that implement Node, by name: the type of a global id.
	nodes map[string]nodeType
	// nodeValues picks the Node a value node(id:) loaded is, by the value's Go type.
	nodeValues map[reflect.Type]*graphql.Object
	query      graphql.Fields
	mutation   graphql.Fields
}

// nodeType is an object type that implements Node, with how node(id:) loads one.
type nodeType struct {
	object *graphql.Object
	// load returns the object an id names, or nil when it does not exist or the actor may not
	// see it. A nil load: node(id:) returns null for the type's ids.
	load func(p graphql.ResolveParams, id int64) (any, error)
}

// NewSchema assembles Refurb's GraphQL schema. The names follow the public contract
// (docs/api.md); the schema may add to it but never renames or drops a name.
func NewSchema(deps Deps) (*graphql.Schema, error) {
	b := &builder{
		deps:       deps,
		timeT:      newTimeScalar(),
		dateT:      newDateScalar(),
		types:      map[string]graphql.Type{},
		extensions: map[string]graphql.Fields{},
		extended:   map[string]bool{},
		nodes:      map[string]nodeType{},
		nodeValues: map[reflect.Type]*graphql.Object{},
		query:      graphql.Fields{},
		mutation:   graphql.Fields{},
	}
	b.node = graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "Node",
		Description: "An object with a global id.",
		Fields:      graphql.Fields{"id": {Type: graphql.NewNonNull(graphql.ID)}},
		ResolveType: func(p graphql.ResolveTypeParams) *graphql.Object {
			return b.nodeValues[reflect.TypeOf(p.Value)]
		},
	})
	b.pageInfo = graphql.NewObject(graphql.ObjectConfig{
		Name: "PageInfo",
		Fields: graphql.Fields{
			"hasNextPage": {Type: graphql.NewNonNull(graphql.Boolean)},
			"endCursor":   {Type: graphql.String},
		},
	})

	// An area comes after the areas whose types its queries and mutations name.
	b.addUsers()
	b.addAPITokens()
	b.addDonors()
	b.addDonations()
	b.addDevices()
	b.addLifecycle()
	b.addTags()
	b.addStorage()
	b.addWipes()
	b.addWipeReports()
	b.addWipeReportImport()
	b.addEvents()
	b.addFlags()
	b.addRepairs()
	b.addQA()
	b.addImports()
	b.addCertificates()
	b.addOrganisation()
	b.addPartners()
	b.addRequestPolicy()
	b.addRequests()
	b.addMatches()
	b.addHandOut()
	b.addProgrammes()
	b.addTrainees()
	b.addHours()
	b.addHoursReview()
	b.addSessions()
	b.addSkills()
	b.addSkillAssessments()
	b.addProgress()
	b.addTraineeWork()
	b.addHoursReport()
	b.addFollowUps()
	b.addImpact()
	b.addImpactEnvironment()
	b.addImpactPeople()
	b.addImpactEmployability()
	b.addDonorImpact()

	b.query["node"] = &graphql.Field{
		Type:        b.node,
		Description: "Any object by its global id; null when it does not exist.",
		Args:        graphql.FieldConfigArgument{"id": {Type: graphql.NewNonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			typ, id, err := parseGlobalID("id", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			if n := b.nodes[typ]; n.load != nil {
				return n.load(p, id)
			}
			return nil, nil
		},
	}

	// Shared types are listed so that the schema serves them even before a field uses them.
	types := []graphql.Type{b.timeT, b.dateT, b.pageInfo}
	for _, n := range b.nodes {
		types = append(types, n.object)
	}
	cfg := graphql.SchemaConfig{
		Query: graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: b.query}),
		Types: types,
	}
	if len(b.mutation) > 0 {
		cfg.Mutation = graphql.NewObject(graphql.ObjectConfig{Name: "Mutation", Fields: b.mutation})
	}
	s, err := graphql.NewSchema(cfg)
	if err != nil {
		return nil, fmt.Errorf("build GraphQL schema: %w", err)
	}
	for name := range b.extensions {
		if !b.extended[name] {
			return nil, fmt.Errorf("build GraphQL schema: fields added to %s, which is not an object declared with b.fields", name)
		}
	}
	limitResponses(&s, &structFields{})
	return &s, nil
}

// register adds an area's named types to the registry, for other areas to name.
func (b *builder) register(types ...graphql.Type) {
	for _, t := range types {
		if _, ok := b.types[t.Name()]; ok {
			panic("graph: two areas declare the type " + t.Name())
		}
		b.types[t.Name()] = t
	}
}

// lookup returns the registered type name as a T. A missing type is a mistake in the order of
// the areas or in a name, which every test that builds the schema shows.
func lookup[T graphql.Type](b *builder, name string) T {
	t, ok := b.types[name].(T)
	if !ok {
		panic(fmt.Sprintf("graph: no %T named %s is registered (yet)", t, name))
	}
	return t
}

// object returns the registered object type name.
func (b *builder) object(name string) *graphql.Object { return lookup[*graphql.Object](b, name) }

// enum returns the registered enum name.
func (b *builder) enum(name string) *graphql.Enum { return lookup[*graphql.Enum](b, name) }

// input returns the registered input object name.
func (b *builder) input(name string) *graphql.InputObject {
	return lookup[*graphql.InputObject](b, name)
}

// extend adds fields to the object typeName that another area declares: the object's thunk
// (b.fields) takes them in when the schema is built.
func (b *builder) extend(typeName string, fields graphql.Fields) {
	if b.extensions[typeName] == nil {
		b.extensions[typeName] = graphql.Fields{}
	}
	for name, f := range fields {
		if _, ok := b.extensions[typeName][name]; ok {
			panic("graph: two areas add the field " + typeName + "." + name)
		}
		b.extensions[typeName][name] = f
	}
}

// fields returns the fields thunk of the object typeName: own, the fields its area declares,
// and those other areas add with extend.
func (b *builder) fields(typeName string, own func() graphql.Fields) graphql.FieldsThunk {
	return func() graphql.Fields {
		fields := own()
		for name := range b.extensions[typeName] {
			if _, ok := fields[name]; ok {
				panic("graph: an area adds the field " + typeName + "." + name + " that its own area declares")
			}
		}
		maps.Copy(fields, b.extensions[typeName])
		b.extended[typeName] = true
		return fields
	}
}

// addNode makes obj a type node(id:) returns. load reads the object an id of obj's type names
// (the zero V when it does not exist or the actor may not see it); nil load leaves node(id:)
// returning null for them. The values load returns, of Go type V, are what obj resolves from,
// and node(id:) tells them apart by that Go type.
func addNode[V any](b *builder, obj *graphql.Object, load func(p graphql.ResolveParams, id int64) (V, error)) {
	name := obj.Name()
	if _, ok := b.nodes[name]; ok {
		panic("graph: two areas add the node type " + name)
	}
	goType := reflect.TypeFor[V]()
	if _, ok := b.nodeValues[goType]; ok {
		panic(fmt.Sprintf("graph: two node types resolve from %v", goType))
	}
	b.register(obj)
	b.nodeValues[goType] = obj
	n := nodeType{object: obj}
	if load != nil {
		n.load = func(p graphql.ResolveParams, id int64) (any, error) {
			v, err := load(p, id)
			if err != nil {
				return nil, err
			}
			if reflect.ValueOf(&v).Elem().IsZero() { // a nil pointer, not a typed nil in an interface
				return nil, nil
			}
			return v, nil
		}
	}
	b.nodes[name] = n
}
