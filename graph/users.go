package graph

import (
	"time"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/auth"
)

// userOf is the user a User field resolves from.
func userOf(src any) *auth.User {
	switch u := src.(type) {
	case *auth.User:
		return u
	case auth.User:
		return &u
	}
	return nil
}

// userField resolves a field of type t to the user whose id id reads from the source (none:
// null), through the request's users loader.
func (b *builder) userField(t graphql.Output, id func(p graphql.ResolveParams) *int64) *graphql.Field {
	return &graphql.Field{Type: t, Resolve: func(p graphql.ResolveParams) (any, error) {
		uid := id(p)
		if uid == nil {
			return nil, nil
		}
		return thunk(b.inventoryLoaders(p).users.Load(p.Context, *uid)), nil
	}}
}

// addUsers adds the users, their roles and their administration.
func (b *builder) addUsers() {
	role := newEnum("Role", "", auth.Roles)

	user := graphql.NewObject(graphql.ObjectConfig{
		Name:       "User",
		Interfaces: []*graphql.Interface{b.node},
		Fields: graphql.Fields{
			"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
				return globalID("User", userOf(p.Source).ID), nil
			}},
			"email": {Type: nonNull(graphql.String), Resolve: func(p graphql.ResolveParams) (any, error) {
				return userOf(p.Source).Email, nil
			}},
			"name": {Type: nonNull(graphql.String), Resolve: func(p graphql.ResolveParams) (any, error) {
				return userOf(p.Source).Name, nil
			}},
			"role": {Type: nonNull(role), Resolve: func(p graphql.ResolveParams) (any, error) {
				return userOf(p.Source).Role, nil
			}},
			"disabled": {Type: nonNull(graphql.Boolean), Resolve: func(p graphql.ResolveParams) (any, error) {
				return userOf(p.Source).DisabledAt != nil, nil
			}},
		},
	})
	addNode(b, user, func(p graphql.ResolveParams, id int64) (*auth.User, error) {
		return b.deps.Auth.User(p.Context, id)
	})
	b.register(role)

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
		Type:        listOf(user),
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
		Type:        nonNull(user),
		Description: "Creates a user. Administrators only.",
		Args: graphql.FieldConfigArgument{
			"email":     {Type: nonNull(graphql.String)},
			"name":      {Type: nonNull(graphql.String)},
			"role":      {Type: nonNull(role)},
			"password":  {Type: nonNull(graphql.String)},
			"donorID":   {Type: graphql.ID, Description: "For a DONOR user: the donor they act for."},
			"traineeID": {Type: graphql.ID, Description: "For a TRAINEE user: the trainee's record it belongs to (optional)."},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			nu, err := newUserInput(p.Args)
			if err != nil {
				return nil, err
			}
			return b.deps.Auth.CreateUser(p.Context, nu)
		},
	}
	b.mutation["setUserDisabled"] = &graphql.Field{
		Type:        nonNull(user),
		Description: "Disables or re-enables a user; a disabled user's sessions and tokens stop working. Administrators only.",
		Args: graphql.FieldConfigArgument{
			"id":       {Type: nonNull(graphql.ID)},
			"disabled": {Type: nonNull(graphql.Boolean)},
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
}

// newUserInput reads createUser's arguments.
func newUserInput(m map[string]any) (auth.NewUser, error) {
	nu := auth.NewUser{
		Email:    inputString(m, "email"),
		Name:     inputString(m, "name"),
		Password: inputString(m, "password"),
	}
	nu.Role, _ = m["role"].(auth.Role)
	if gid, ok := m["donorID"].(string); ok {
		id, err := idOf("donorID", "Donor", gid)
		if err != nil {
			return auth.NewUser{}, err
		}
		nu.DonorID = &id
	}
	if gid, ok := m["traineeID"].(string); ok {
		id, err := idOf("traineeID", "Trainee", gid)
		if err != nil {
			return auth.NewUser{}, err
		}
		nu.TraineeID = &id
	}
	return nu, nil
}

// addAPITokens adds the API tokens users create for scripts and other programs.
func (b *builder) addAPITokens() {
	token := graphql.NewObject(graphql.ObjectConfig{
		Name:        "APIToken",
		Description: "An API token; the token itself is shown only once, when created.",
		Fields: graphql.Fields{
			"id": {Type: nonNull(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) {
				return globalID("APIToken", p.Source.(*auth.Token).ID), nil
			}},
			"name":       {Type: nonNull(graphql.String)},
			"createdAt":  {Type: nonNull(b.timeT)},
			"lastUsedAt": {Type: b.timeT},
			"revokedAt":  {Type: b.timeT},
			"expiresAt":  {Type: b.timeT, Description: "When the token stops working; null: never."},
		},
	})
	created := graphql.NewObject(graphql.ObjectConfig{
		Name: "CreatedAPIToken",
		Fields: graphql.Fields{
			"token":    {Type: nonNull(graphql.String), Description: "Send it as `Authorization: Bearer <token>`. It cannot be shown again."},
			"apiToken": {Type: nonNull(token)},
		},
	})
	b.register(token, created)

	b.mutation["createAPIToken"] = &graphql.Field{
		Type:        nonNull(created),
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
		Type:        nonNull(graphql.Boolean),
		Description: "Revokes an API token: yours, or anyone's for an administrator.",
		Args:        graphql.FieldConfigArgument{"id": {Type: nonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "APIToken", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			return true, b.deps.Auth.RevokeToken(p.Context, id)
		},
	}
}
