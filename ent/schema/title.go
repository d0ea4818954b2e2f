package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/marquee-org/marquee/ent/schema/artset"
	"github.com/marquee-org/marquee/ent/schema/plancode"
)

// Title is a movie or a series in the catalog.
type Title struct{ ent.Schema }

// Mixin of the Title.
func (Title) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Title.
func (Title) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("MOVIE", "SERIES").Annotations(entgql.Type("TitleKind")),
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		// Stable identifier for the demo catalog and imports; empty for ad-hoc titles.
		field.String("slug").Optional().Nillable().Unique(),
		field.Text("synopsis").Default(""),
		field.Int("year").Optional().Nillable().Annotations(entgql.OrderField("YEAR")),
		field.Time("release_date").Optional().Nillable(),
		field.String("maturity_rating").Default(""),
		field.Int("runtime_minutes").Optional().Nillable(),
		// ISO country codes where the title may be watched; empty means everywhere.
		field.Strings("regions").Optional(),
		// Null means any plan.
		field.Enum("min_plan").GoType(plancode.Code("")).Optional().Nillable().
			Annotations(entgql.Type("PlanCode")),
		field.String("poster_path").Default("").Annotations(entgql.Skip()),
		// Uploaded artwork by kind; preferred to the poster taken from a video.
		field.JSON("artwork", artset.Sets{}).Optional().Annotations(entgql.Skip()),
		// Popularity counters, updated by activity; the recommender recomputes trending.
		field.Int("view_count").Default(0).Annotations(entgql.Skip()),
		field.Int("rating_count").Default(0).Annotations(entgql.Skip()),
		field.Int("rating_sum").Default(0).Annotations(entgql.Skip()),
		field.Float("trending_score").Default(0).Annotations(entgql.Skip()),
	}
}

// Edges of the Title.
func (Title) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("genres", Genre.Type).Annotations(entgql.Skip()),
		edge.To("credits", Credit.Type).Annotations(entgql.Skip()),
		edge.To("seasons", Season.Type).Annotations(entgql.Skip()),
		edge.To("videos", Video.Type).Annotations(entgql.Skip()),
		edge.To("ratings", Rating.Type).Annotations(entgql.Skip()),
		edge.To("listed_by", MyListItem.Type).Annotations(entgql.Skip()),
		edge.To("watch_progress", WatchProgress.Type).Annotations(entgql.Skip()),
		edge.To("view_events", ViewEvent.Type).Annotations(entgql.Skip()),
	}
}

// Indexes of the Title.
func (Title) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("created_at"),
		index.Fields("release_date"),
		index.Fields("trending_score"),
		// The search index's poll reads the latest edit every two seconds.
		index.Fields("updated_at"),
	}
}

// Annotations of the Title.
func (Title) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}
