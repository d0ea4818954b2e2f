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

// Session is a login. Only the SHA-256 of its bearer token is stored.
type Session struct{ ent.Schema }

// Fields of the Session.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").Unique().Immutable().Sensitive(),
		field.Time("created_at").Immutable().Default(time.Now),
		field.Time("last_seen_at").Default(time.Now),
		// Absolute expiry; idle expiry is derived from last_seen_at.
		field.Time("expires_at"),
		field.String("user_agent").Default("").MaxLen(512),
		field.String("ip").Default("").MaxLen(64),
		field.Int("user_id"),
		// The profile watching through this login; none until one is chosen when the
		// account's first profile is locked with a PIN.
		field.Int("profile_id").Optional().Nillable(),
	}
}

// Edges of the Session.
func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("sessions").Unique().Required().Field("user_id"),
		edge.From("profile", Profile.Type).Ref("sessions").Unique().Field("profile_id"),
	}
}

// Indexes of the Session.
func (Session) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id"), index.Fields("expires_at")}
}

// Annotations of the Session.
func (Session) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}
