package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Genre groups titles; each genre is also a feed row and a category page.
type Genre struct{ ent.Schema }

// Fields of the Genre.
func (Genre) Fields() []ent.Field {
	return []ent.Field{
		field.String("slug").Unique().NotEmpty(),
		field.String("name").NotEmpty(),
	}
}

// Edges of the Genre.
func (Genre) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("titles", Title.Type).Ref("genres").Annotations(entgql.Skip()),
	}
}

// Annotations of the Genre.
func (Genre) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}
