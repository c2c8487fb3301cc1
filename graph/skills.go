package graph

import (
	"context"
	"sync"

	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/workshops"
)

// addSkills adds the skills catalogue. Assessing a trainee's skills is in assessments.go.
func (b *builder) addSkills() {
	st := b.deps.Workshops
	skill := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Skill",
		Description: "An entry of the skills catalogue (administrators edit it).",
		Fields: graphql.Fields{
			"id":  of(nonNull(graphql.ID), func(x *workshops.Skill) any { return globalID("Skill", x.ID) }),
			"key": of(nonNull(graphql.String), func(x *workshops.Skill) any { return x.Key }),
			"name": {Type: nonNull(graphql.String), Description: "The name in language (fr, de, en; pt and ar where given), else English.",
				Args: graphql.FieldConfigArgument{"language": {Type: graphql.String, DefaultValue: "en"}},
				Resolve: func(p graphql.ResolveParams) (any, error) {
					lang, _ := p.Args["language"].(string)
					return p.Source.(*workshops.Skill).Name(lang), nil
				}},
			"workKind": {Type: graphql.String, Description: "wipe, repair or qa: the work that evidences the skill; null for none.",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					if k := p.Source.(*workshops.Skill).WorkKind; k != nil {
						return *k, nil
					}
					return nil, nil
				}},
			"keywords": of(listOf(graphql.String), func(x *workshops.Skill) any { return x.Keywords }),
			"position": of(nonNull(graphql.Int), func(x *workshops.Skill) any { return x.Position }),
			"active":   of(nonNull(graphql.Boolean), func(x *workshops.Skill) any { return x.Active }),
		},
	})
	skillInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "SkillInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"key":      {Type: nonNull(graphql.String)},
			"nameFr":   {Type: nonNull(graphql.String)},
			"nameDe":   {Type: nonNull(graphql.String)},
			"nameEn":   {Type: nonNull(graphql.String)},
			"namePt":   {Type: graphql.String},
			"nameAr":   {Type: graphql.String},
			"workKind": {Type: graphql.String, Description: "wipe, repair, qa or null."},
			"keywords": {Type: graphql.NewList(nonNull(graphql.String))},
			"position": {Type: graphql.Int, DefaultValue: 0},
			"active":   {Type: graphql.Boolean, DefaultValue: true},
		},
	})
	b.register(skill, skillInput)

	b.query["skills"] = &graphql.Field{
		Type:        listOf(skill),
		Description: "The skills catalogue in its order. Staff, administrators and trainees.",
		Args:        graphql.FieldConfigArgument{"includeInactive": {Type: graphql.Boolean, DefaultValue: false}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			all, _ := p.Args["includeInactive"].(bool)
			ss, err := st.Skills(p.Context, all)
			return pointers(ss), err
		},
	}
	b.mutation["createSkill"] = &graphql.Field{
		Type:        nonNull(skill),
		Description: "Adds a skill to the catalogue. Administrators.",
		Args:        graphql.FieldConfigArgument{"input": {Type: nonNull(skillInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			s, err := st.CreateSkill(p.Context, newSkillFrom(inputMap(p.Args["input"])))
			return s, wsInArg("input", err)
		},
	}
	b.mutation["updateSkill"] = &graphql.Field{
		Type:        nonNull(skill),
		Description: "Changes a skill of the catalogue; retire one with active: false. Administrators.",
		Args:        graphql.FieldConfigArgument{"id": {Type: nonNull(graphql.ID)}, "input": {Type: nonNull(skillInput)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := idOf("id", "Skill", p.Args["id"].(string))
			if err != nil {
				return nil, err
			}
			s, err := st.UpdateSkill(p.Context, id, newSkillFrom(inputMap(p.Args["input"])))
			return s, wsInArg("input", err)
		},
	}
}

// skillsByID is the skills catalogue by id, read once a request.
func (b *builder) skillsByID(p graphql.ResolveParams) (map[int64]*workshops.Skill, error) {
	return scoped(p.Info, skillsKey{}, func() *skillCatalogue { return &skillCatalogue{} }).read(p.Context, b.deps.Workshops)
}

// skillsKey keys the request's catalogue of skills.
type skillsKey struct{}

// skillCatalogue is the skills catalogue, read once a request.
type skillCatalogue struct {
	once sync.Once
	m    map[int64]*workshops.Skill
	err  error
}

func (c *skillCatalogue) read(ctx context.Context, st *workshops.Store) (map[int64]*workshops.Skill, error) {
	c.once.Do(func() {
		all, err := st.Skills(ctx, true)
		if err != nil {
			c.err = err
			return
		}
		c.m = make(map[int64]*workshops.Skill, len(all))
		for i := range all {
			c.m[all[i].ID] = &all[i]
		}
	})
	return c.m, c.err
}

// newSkillFrom reads a SkillInput.
func newSkillFrom(m map[string]any) workshops.NewSkill {
	n := workshops.NewSkill{Key: inputString(m, "key"), WorkKind: inputString(m, "workKind"), Names: map[string]string{}}
	for lang, field := range map[string]string{"fr": "nameFr", "de": "nameDe", "en": "nameEn", "pt": "namePt", "ar": "nameAr"} {
		if s := inputString(m, field); s != "" {
			n.Names[lang] = s
		}
	}
	for _, k := range inputList(m, "keywords") {
		s, _ := k.(string)
		n.Keywords = append(n.Keywords, s)
	}
	if v := inputInt(m, "position"); v != nil {
		n.Position = *v
	}
	n.Active, _ = m["active"].(bool)
	return n
}
