package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// User is a viewer or an administrator.
type User struct{ ent.Schema }

// Mixin of the User.
func (User) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Unique().NotEmpty().MaxLen(254),
		field.String("name").Default("").MaxLen(100),
		// ISO 3166-1 alpha-2, upper case; decides regional availability.
		field.String("country").Default("").MaxLen(2),
		field.Enum("role").Values("VIEWER", "ADMIN").Default("VIEWER").
			Annotations(entgql.Type("UserRole")),
		// PHC-formatted argon2id hash.
		field.String("password_hash").Sensitive().
			Annotations(entgql.Skip()),
		// A purchase in progress holds the account until checkout_until, so that one
		// viewer's checkouts run one after another on every replica (billing).
		field.String("checkout_holder").Default("").Annotations(entgql.Skip()),
		field.Time("checkout_until").Optional().Nillable().Annotations(entgql.Skip()),
		// When the account proved it receives mail at its address (User.emailVerified).
		field.Time("email_verified_at").Optional().Nillable().Annotations(entgql.Skip()),
		// When the account was deleted: the row stays, without personal data, for the
		// payments that bookkeeping must keep.
		field.Time("deleted_at").Optional().Nillable().Annotations(entgql.Skip()),
	}
}

// Edges of the User.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("sessions", Session.Type).Annotations(entgql.Skip()),
		edge.To("account_tokens", AccountToken.Type).Annotations(entgql.Skip()),
		edge.To("profiles", Profile.Type).Annotations(entgql.Skip()),
		edge.To("membership", Membership.Type).Unique(),
		edge.To("payments", Payment.Type).Annotations(entgql.RelayConnection()),
		edge.To("playback_sessions", PlaybackSession.Type).Annotations(entgql.Skip()),
		edge.To("watch_progress", WatchProgress.Type).Annotations(entgql.Skip()),
		edge.To("ratings", Rating.Type).Annotations(entgql.Skip()),
		edge.To("my_list", MyListItem.Type).Annotations(entgql.Skip()),
		edge.To("view_events", ViewEvent.Type).Annotations(entgql.Skip()),
		edge.To("recommendations", Recommendation.Type).Annotations(entgql.Skip()),
	}
}

// Annotations of the User.
func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}
