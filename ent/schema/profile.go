package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Profile is one person of a household watching through an account. Activity (progress,
// My List, ratings, view events, recommendations) belongs to a profile; membership,
// payments and the stream limit belong to the account.
type Profile struct{ ent.Schema }

// Fields of the Profile.
func (Profile) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		field.String("name").NotEmpty().MaxLen(50),
		// A Kids profile sees a simpler home and at most maturity.Kids.
		field.Bool("kids").Default(false),
		// The oldest maturity age (package maturity) of the titles this profile may see.
		field.Int("maturity_ceiling").NonNegative(),
		// BCP 47 language of the interface and the preferred audio and subtitles.
		field.String("language").Default("en").MaxLen(35),
		// PHC-formatted argon2id hash of the 4-digit PIN; empty when there is none.
		field.String("pin_hash").Default("").Sensitive(),
		field.Time("created_at").Immutable().Default(time.Now),
	}
}

// Edges of the Profile.
func (Profile) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("profiles").Unique().Required().Field("user_id"),
		edge.To("sessions", Session.Type),
	}
}

// Indexes of the Profile.
func (Profile) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id")}
}

// Annotations of the Profile.
func (Profile) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}
