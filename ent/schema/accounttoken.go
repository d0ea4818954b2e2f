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

// AccountToken is a link sent by mail or handed out once: a password reset, the proof that
// an address is the account's, or a data export. Only the SHA-256 of the token is stored;
// resets and verifications are deleted when used.
type AccountToken struct{ ent.Schema }

// Fields of the AccountToken.
func (AccountToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").Unique().Immutable().Sensitive(),
		field.Enum("purpose").Values("RESET", "VERIFY", "EXPORT").Immutable(),
		field.Int("user_id").Immutable(),
		// The address the link was sent to: for VERIFY, the address it proves (a new one
		// when the account is changing its email).
		field.String("email").Default("").MaxLen(254).Immutable(),
		field.Time("created_at").Immutable().Default(time.Now),
		field.Time("expires_at").Immutable(),
	}
}

// Edges of the AccountToken.
func (AccountToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("account_tokens").Unique().Required().Immutable().Field("user_id"),
	}
}

// Indexes of the AccountToken.
func (AccountToken) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id", "purpose"), index.Fields("expires_at")}
}

// Annotations of the AccountToken.
func (AccountToken) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}
