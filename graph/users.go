package graph

import (
	"time"

	"strings"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/auth"
)

// userNode is a user as node(id:) returns it.
type userNode struct{ *auth.User }

func (userNode) typeName() string { return "User" }

func userOf(src any) *auth.User {
	switch u := src.(type) {
	case *auth.User:
		return u
	case userNode:
		return u.User
	case auth.User:
		return &u
	}
	return nil
}

func (b *builder) addUsers() {
	roleValues := graphql.EnumValueConfigMap{}
	for _, r := range auth.Roles {
		roleValues[strings.ToUpper(string(r))] = &graphql.EnumValueConfig{Value: r}
	}
	role := graphql.NewEnum(graphql.EnumConfig{Name: "Role", Values: roleValues})

	user := graphql.NewObject(graphql.ObjectConfig{
		Name:       "User",
		Interfaces: []*graphql.Interface{b.node},
		Fields: graphql.Fields{
			"id": {Type: graphql.NewNonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
				return globalID("User", userOf(p.Source).ID), nil
			}},
			"email": {Type: graphql.NewNonNull(graphql.String), Resolve: func(p graphql.ResolveParams) (any, error) {
				return userOf(p.Source).Email, nil
			}},
			"name": {Type: graphql.NewNonNull(graphql.String), Resolve: func(p graphql.ResolveParams) (any, error) {
				return userOf(p.Source).Name, nil
			}},
			"role": {Type: graphql.NewNonNull(role), Resolve: func(p graphql.ResolveParams) (any, error) {
				return userOf(p.Source).Role, nil
			}},
			"disabled": {Type: graphql.NewNonNull(graphql.Boolean), Resolve: func(p graphql.ResolveParams) (any, error) {
				return userOf(p.Source).DisabledAt != nil, nil
			}},
		},
	})
	b.nodeTypes["User"] = user

	token := graphql.NewObject(graphql.ObjectConfig{
		Name:        "APIToken",
		Description: "An API token; the token itself is shown only once, when created.",
		Fields: graphql.Fields{
			"id": {Type: graphql.NewNonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
				return globalID("APIToken", p.Source.(*auth.Token).ID), nil
			}},
			"name":       {Type: graphql.NewNonNull(graphql.String)},
			"createdAt":  {Type: graphql.NewNonNull(b.timeT)},
			"lastUsedAt": {Type: b.timeT},
			"revokedAt":  {Type: b.timeT},
			"expiresAt":  {Type: b.timeT, Description: "When the token stops working; null: never."},
		},
	})
	created := graphql.NewObject(graphql.ObjectConfig{
		Name: "CreatedAPIToken",
		Fields: graphql.Fields{
			"token":    {Type: graphql.NewNonNull(graphql.String), Description: "Send it as `Authorization: Bearer <token>`. It cannot be shown again."},
			"apiToken": {Type: graphql.NewNonNull(token)},
		},
	})

	b.query["me"] = &graphql.Field{
		Type:        user,
		Description: "The signed-in user; null when the request is anonymous.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			u, err := b.deps.Auth.Me(p.Context)
			if u == nil || err != nil {
				return nil, err
			}
			return u, nil
		},
	}
	b.query["users"] = &graphql.Field{
		Type:        graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(user))),
		Description: "Every user, by e-mail address. Administrators only.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			us, err := b.deps.Auth.Users(p.Context)
			if err != nil {
				return nil, err
			}
			return pointers(us), nil
		},
	}
	b.mutation["createUser"] = &graphql.Field{
		Type:        graphql.NewNonNull(user),
		Description: "Creates a user. Administrators only.",
		Args: graphql.FieldConfigArgument{
			"email":    {Type: graphql.NewNonNull(graphql.String)},
			"name":     {Type: graphql.NewNonNull(graphql.String)},
			"role":     {Type: graphql.NewNonNull(role)},
			"password": {Type: graphql.NewNonNull(graphql.String)},
			"donorID":  {Type: graphql.ID, Description: "For a DONOR user: the donor they act for."},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			nu := auth.NewUser{
				Email:    p.Args["email"].(string),
				Name:     p.Args["name"].(string),
				Role:     p.Args["role"].(auth.Role),
				Password: p.Args["password"].(string),
			}
			if gid, ok := p.Args["donorID"].(string); ok {
				id, err := idOf("donorID", "Donor", gid)
				if err != nil {
					return nil, err
				}
				nu.DonorID = &id
			}
			return b.deps.Auth.CreateUser(p.Context, nu)
		},
	}
	b.mutation["setUserDisabled"] = &graphql.Field{
		Type:        graphql.NewNonNull(user),
		Description: "Disables or re-enables a user; a disabled user's sessions and tokens stop working. Administrators only.",
		Args: graphql.FieldConfigArgument{
			"id":       {Type: graphql.NewNonNull(graphql.ID)},
			"disabled": {Type: graphql.NewNonNull(graphql.Boolean)},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "User", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			if err := b.deps.Auth.SetDisabled(p.Context, id, p.Args["disabled"].(bool)); err != nil {
				return nil, err
			}
			return b.deps.Auth.User(p.Context, id)
		},
	}
	b.mutation["createAPIToken"] = &graphql.Field{
		Type:        graphql.NewNonNull(created),
		Description: "Creates an API token for the signed-in user.",
		Args: graphql.FieldConfigArgument{
			"name":      {Type: graphql.String, DefaultValue: ""},
			"expiresAt": {Type: b.timeT, Description: "When the token stops working (in the future); omitted: never."},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			u, err := b.deps.Auth.Me(p.Context)
			if err != nil {
				return nil, err
			}
			if u == nil {
				return nil, auth.ErrUnauthenticated
			}
			var plain string
			var t *auth.Token
			if until, ok := p.Args["expiresAt"].(time.Time); ok {
				plain, t, err = b.deps.Auth.CreateTokenUntil(p.Context, u.Email, p.Args["name"].(string), until)
			} else {
				plain, t, err = b.deps.Auth.CreateToken(p.Context, u.Email, p.Args["name"].(string))
			}
			if err != nil {
				return nil, err
			}
			return map[string]any{"token": plain, "apiToken": t}, nil
		},
	}
	b.mutation["revokeAPIToken"] = &graphql.Field{
		Type:        graphql.NewNonNull(graphql.Boolean),
		Description: "Revokes an API token: yours, or anyone's for an administrator.",
		Args:        graphql.FieldConfigArgument{"id": {Type: graphql.NewNonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "APIToken", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			return true, b.deps.Auth.RevokeToken(p.Context, id)
		},
	}
}
