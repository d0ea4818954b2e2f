package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Person is someone credited on titles: cast and crew.
type Person struct{ ent.Schema }

// Fields of the Person.
func (Person) Fields() []ent.Field {
	return []ent.Field{field.String("name").Unique().NotEmpty()}
}

// Edges of the Person.
func (Person) Edges() []ent.Edge {
	return []ent.Edge{edge.To("credits", Credit.Type).Annotations(entgql.Skip())}
}

// Annotations of the Person.
func (Person) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}

// Credit ties a person to a title in a role.
type Credit struct{ ent.Schema }

// Fields of the Credit.
func (Credit) Fields() []ent.Field {
	return []ent.Field{
		field.Int("title_id"),
		field.Int("person_id"),
		field.Enum("role").Values("CAST", "DIRECTOR", "WRITER", "CREATOR").
			Annotations(entgql.Type("CreditRole")),
		field.String("character").Default(""),
		field.Int("position").Default(0),
	}
}

// Edges of the Credit.
func (Credit) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("title", Title.Type).Ref("credits").Unique().Required().Field("title_id"),
		edge.From("person", Person.Type).Ref("credits").Unique().Required().Field("person_id"),
	}
}

// Indexes of the Credit.
func (Credit) Indexes() []ent.Index {
	return []ent.Index{index.Fields("title_id", "position"), index.Fields("person_id")}
}

// Annotations of the Credit.
func (Credit) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}
