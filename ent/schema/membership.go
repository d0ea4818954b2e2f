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

// Membership is a viewer's plan subscription; one per viewer, changed in place.
type Membership struct{ ent.Schema }

// Mixin of the Membership.
func (Membership) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Membership.
func (Membership) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Unique(),
		field.Int("plan_id"),
		field.Enum("status").Values("ACTIVE", "CANCELED", "PAST_DUE", "EXPIRED").
			Annotations(entgql.Type("MembershipStatus")),
		field.Time("current_period_start").Optional().Nillable(),
		field.Time("current_period_end"),
		// A downgrade waits for the period end.
		field.Enum("pending_plan").GoType(plancode.Code("")).Optional().Nillable().
			Annotations(entgql.Type("PlanCode")),
		field.Time("canceled_at").Optional().Nillable(),
		// PAST_DUE memberships keep working until then.
		field.Time("grace_until").Optional().Nillable(),
	}
}

// Edges of the Membership.
func (Membership) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("membership").Unique().Required().Field("user_id").
			Annotations(entgql.Skip()),
		edge.To("plan", Plan.Type).Unique().Required().Field("plan_id"),
	}
}

// Indexes of the Membership.
func (Membership) Indexes() []ent.Index {
	// Renewal and expiry sweeps.
	return []ent.Index{index.Fields("status", "current_period_end")}
}

// Annotations of the Membership.
func (Membership) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}
