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
		// When a failed renewal is tried again.
		field.Time("next_retry_at").Optional().Nillable().Annotations(entgql.Skip()),
		// The saved payment method renewals are charged to: the provider's reusable
		// token and what the viewer may see of it. Never the card number.
		field.String("payment_provider").Default("").Annotations(entgql.Skip()),
		field.String("payment_token").Default("").Sensitive().Annotations(entgql.Skip()),
		field.Enum("payment_method").Values("CARD", "PAYPAL").Optional().Nillable().
			Annotations(entgql.Skip()),
		field.String("card_brand").Default(""),
		field.String("card_last4").Default("").MaxLen(4),
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
