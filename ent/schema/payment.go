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

// Payment is one charge attempt, kept whether it succeeded or not.
// Card numbers and CVCs never reach this table: brand, last4 and expiry only.
type Payment struct{ ent.Schema }

// Mixin of the Payment.
func (Payment) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Payment.
func (Payment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		field.Enum("plan").GoType(plancode.Code("")).Annotations(entgql.Type("PlanCode")),
		field.Int("amount_cents").NonNegative(),
		field.String("currency").MaxLen(3),
		field.Enum("status").Values("PENDING", "SUCCEEDED", "FAILED").
			Annotations(entgql.Type("PaymentStatus")),
		// DOWNGRADE and REACTIVATE record plan changes that charge nothing (amount 0), so
		// that a retry with their idempotency key answers as the first request did.
		field.Enum("reason").Values("SUBSCRIBE", "UPGRADE", "RENEWAL", "DOWNGRADE", "REACTIVATE").Default("SUBSCRIBE").
			Annotations(entgql.Type("PaymentReason")),
		field.String("provider"),
		field.String("provider_ref").Default(""),
		field.Enum("method").Values("CARD", "PAYPAL").Annotations(entgql.Type("PaymentMethodKind")),
		field.String("brand").Default(""),
		field.String("last4").Default("").MaxLen(4),
		field.Int("exp_month").Optional().Nillable(),
		field.Int("exp_year").Optional().Nillable(),
		field.String("paypal_email").Default(""),
		field.String("failure_code").Default(""),
		field.String("failure_message").Default(""),
		// Unique per viewer; a retry with the same key returns the first result.
		field.String("idempotency_key").Optional().Nillable().Annotations(entgql.Skip()),
		field.String("request_hash").Default("").Annotations(entgql.Skip()),
	}
}

// Edges of the Payment.
func (Payment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("payments").Unique().Required().Field("user_id").
			Annotations(entgql.Skip()),
	}
}

// Indexes of the Payment.
func (Payment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id", "idempotency_key").Unique(),
		index.Fields("user_id", "created_at"),
	}
}

// Annotations of the Payment.
func (Payment) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)}
}
