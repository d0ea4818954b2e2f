package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/marquee-org/marquee/ent/schema/apiscope"
)

// APIKey lets an integrator's server call the API within its scopes, on behalf of the
// administrator who created it. Only the SHA-256 of its secret is stored.
type APIKey struct{ ent.Schema }

// Fields of the APIKey.
func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("label").MaxLen(100),
		field.String("secret_hash").Unique().Immutable().Sensitive(),
		// The secret's first characters, shown in lists so that a key can be recognised.
		field.String("prefix").Immutable(),
		field.JSON("scopes", []apiscope.Scope{}),
		// Requests a minute this key may make, on each replica.
		field.Int("rate_limit").Positive(),
		// The administrator the key acts for; it stops working when they are no longer one.
		field.Int("user_id").Immutable(),
		field.Time("created_at").Immutable().Default(time.Now),
		field.Time("expires_at").Optional().Nillable(),
		field.Time("revoked_at").Optional().Nillable(),
		field.Time("last_used_at").Optional().Nillable(),
	}
}

// Indexes of the APIKey.
func (APIKey) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id")}
}

// Annotations of the APIKey.
func (APIKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}
