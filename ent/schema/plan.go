package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/marquee-org/marquee/ent/schema/plancode"
)

// Plan is a membership tier: what it costs and what it allows.
type Plan struct{ ent.Schema }

// Fields of the Plan.
func (Plan) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("code").GoType(plancode.Code("")).
			Annotations(entgql.Type("PlanCode")),
		field.String("name"),
		field.Int("price_cents").NonNegative(),
		field.String("currency").Default("USD").MaxLen(3),
		field.Int("max_streams").Positive(),
		// 0 means no limit (every rendition the title has).
		field.Int("max_height").NonNegative(),
	}
}

// Edges of the Plan.
func (Plan) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("memberships", Membership.Type).Ref("plan").Annotations(entgql.Skip()),
	}
}

// Indexes of the Plan.
func (Plan) Indexes() []ent.Index {
	return []ent.Index{index.Fields("code").Unique()}
}

// Annotations of the Plan.
func (Plan) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}
