package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/marquee-org/marquee/ent/schema/hookevent"
)

// Webhook is a receiver an administrator registered: where to POST which events, and the
// secret that signs them (kept, since every delivery is signed with it; never shown again).
type Webhook struct{ ent.Schema }

// Fields of the Webhook.
func (Webhook) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").MaxLen(2048),
		field.JSON("events", []hookevent.Event{}),
		field.String("secret").Sensitive(),
		field.Int("user_id").Immutable(),
		field.Time("created_at").Immutable().Default(time.Now),
	}
}

// Edges of the Webhook.
func (Webhook) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type),
	}
}

// Annotations of the Webhook.
func (Webhook) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}

// WebhookDelivery is one event sent to one webhook: the body as signed, and how its latest
// attempt went. Response bodies are not kept.
type WebhookDelivery struct{ ent.Schema }

// Fields of the WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int("webhook_id"),
		// The event's id, the same in every webhook's delivery of it and in every retry, so
		// that receivers can drop what they have already handled.
		field.String("event_id").MaxLen(100),
		field.String("event").GoType(hookevent.Event("")),
		field.Text("payload"),
		field.Enum("status").Values("PENDING", "SUCCEEDED", "FAILED").Default("PENDING"),
		field.Int("attempts").Default(0),
		field.Int("response_code").Optional().Nillable(),
		field.Int("latency_ms").Optional().Nillable(),
		field.Text("error").Default(""),
		field.Time("created_at").Immutable().Default(time.Now),
		field.Time("last_attempt_at").Optional().Nillable(),
		field.Time("next_attempt_at").Optional().Nillable(),
	}
}

// Edges of the WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("webhook", Webhook.Type).Ref("deliveries").Unique().Required().Field("webhook_id"),
	}
}

// Indexes of the WebhookDelivery.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		// An event reaches each webhook once, however often it is announced.
		index.Fields("webhook_id", "event_id").Unique(),
		index.Fields("webhook_id", "created_at"),
	}
}

// Annotations of the WebhookDelivery.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}
