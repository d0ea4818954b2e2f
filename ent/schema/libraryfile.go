package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// LibraryFile is a video file a library scan brought in, keyed by its path, so that the
// next scan of the folder knows it: unchanged, changed (transcoded again) or gone.
type LibraryFile struct{ ent.Schema }

// Fields of the LibraryFile.
func (LibraryFile) Fields() []ent.Field {
	return []ent.Field{
		// The absolute, cleaned path.
		field.Text("path").Unique(),
		field.Int64("size"),
		field.Time("mod_time"),
		field.Int("title_id"),
		field.Int("episode_id").Optional().Nillable(),
		field.Int("video_id").Optional().Nillable(),
		// Set when a scan no longer found the file.
		field.Bool("missing").Default(false),
	}
}

// Indexes of the LibraryFile.
func (LibraryFile) Indexes() []ent.Index {
	return []ent.Index{index.Fields("title_id")}
}

// Annotations of the LibraryFile.
func (LibraryFile) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}
