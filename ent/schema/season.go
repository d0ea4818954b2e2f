package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Season belongs to a series title.
type Season struct{ ent.Schema }

// Fields of the Season.
func (Season) Fields() []ent.Field {
	return []ent.Field{
		field.Int("title_id"),
		// 0 holds a series' specials.
		field.Int("number").NonNegative(),
		field.String("name").Default(""),
	}
}

// Edges of the Season.
func (Season) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("title", Title.Type).Ref("seasons").Unique().Required().Field("title_id"),
		edge.To("episodes", Episode.Type),
	}
}

// Indexes of the Season.
func (Season) Indexes() []ent.Index {
	return []ent.Index{index.Fields("title_id", "number").Unique()}
}

// Annotations of the Season.
func (Season) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}

// Episode is one playable part of a season.
type Episode struct{ ent.Schema }

// Fields of the Episode.
func (Episode) Fields() []ent.Field {
	return []ent.Field{
		field.Int("season_id"),
		field.Int("number").Positive(),
		field.String("name").NotEmpty(),
		field.Text("synopsis").Default(""),
		field.Int("runtime_minutes").Optional().Nillable(),
	}
}

// Edges of the Episode.
func (Episode) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("season", Season.Type).Ref("episodes").Unique().Required().Field("season_id"),
		edge.To("videos", Video.Type).Annotations(entgql.Skip()),
	}
}

// Indexes of the Episode.
func (Episode) Indexes() []ent.Index {
	return []ent.Index{index.Fields("season_id", "number").Unique()}
}

// Annotations of the Episode.
func (Episode) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}
