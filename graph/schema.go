package graph

import (
	"fmt"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/certificates"
	"github.com/digital-inclusion/refurb/inventory"
)

// Deps are the domain services the schema's resolvers call.
type Deps struct {
	Auth      *auth.Service
	Inventory *inventory.Store
	// Certificates issues and verifies donation and erasure certificates.
	Certificates *certificates.Store
	// PublicURL is where users reach the server (no trailing slash); scan and label URLs start with it.
	PublicURL string
}

// builder holds the types shared across areas while the schema is assembled, so that every
// area file (users.go, later inventory.go, ...) can refer to them. It lives only during NewSchema.
type builder struct {
	deps     Deps
	node     *graphql.Interface
	pageInfo *graphql.Object
	timeT    *graphql.Scalar
	dateT    *graphql.Scalar
	// nodeTypes resolves a global id's type name to the object type node(id:) returns.
	nodeTypes map[string]*graphql.Object
	query     graphql.Fields
	mutation  graphql.Fields
}

// NewSchema assembles Refurb's GraphQL schema. The names follow the public contract
// (docs/api.md); the schema may add to it but never renames or drops a name.
func NewSchema(deps Deps) (*graphql.Schema, error) {
	b := &builder{
		deps:      deps,
		timeT:     newTimeScalar(),
		dateT:     newDateScalar(),
		nodeTypes: map[string]*graphql.Object{},
		query:     graphql.Fields{},
		mutation:  graphql.Fields{},
	}
	b.node = graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "Node",
		Description: "An object with a global id.",
		Fields:      graphql.Fields{"id": {Type: graphql.NewNonNull(graphql.ID)}},
		ResolveType: func(p graphql.ResolveTypeParams) *graphql.Object {
			if n, ok := p.Value.(typed); ok {
				return b.nodeTypes[n.typeName()]
			}
			return b.nodeTypes[inventoryNodeType(p.Value)]
		},
	})
	b.pageInfo = graphql.NewObject(graphql.ObjectConfig{
		Name: "PageInfo",
		Fields: graphql.Fields{
			"hasNextPage": {Type: graphql.NewNonNull(graphql.Boolean)},
			"endCursor":   {Type: graphql.String},
		},
	})

	b.addUsers()
	b.addInventory()
	b.addImports()
	b.addCertificates()

	b.query["node"] = &graphql.Field{
		Type:        b.node,
		Description: "Any object by its global id; null when it does not exist.",
		Args:        graphql.FieldConfigArgument{"id": {Type: graphql.NewNonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			typ, id, err := parseGlobalID("id", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			return b.resolveNode(p, typ, id)
		},
	}

	// Shared types are listed so that the schema serves them even before a field uses them.
	types := []graphql.Type{b.timeT, b.dateT, b.pageInfo}
	for _, t := range b.nodeTypes {
		types = append(types, t)
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
	limitResponses(&s)
	return &s, nil
}

// typed is implemented by the values node(id:) returns, so that the Node interface can pick
// their GraphQL type.
type typed interface{ typeName() string }

// resolveNode loads the object a global id names. Areas add their types here.
func (b *builder) resolveNode(p graphql.ResolveParams, typ string, id int64) (any, error) {
	switch typ {
	case "User":
		u, err := b.deps.Auth.User(p.Context, id)
		if err != nil {
			return nil, err
		}
		return userNode{u}, nil
	case "Device", "Donation", "Donor", "StorageMedium", "WipeRecord":
		return b.resolveInventoryNode(p, typ, id)
	}
	return nil, nil
}
