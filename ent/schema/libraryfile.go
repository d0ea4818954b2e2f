package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// LibraryFile is a file a library scan brought in (a video, or a sidecar: an .nfo or
// artwork), keyed by its path, so that the next scan of the folder knows it: unchanged,
// changed (transcoded or read again) or gone.
type LibraryFile struct{ ent.Schema }

// Fields of the LibraryFile.
func (LibraryFile) Fields() []ent.Field {
	return []ent.Field{
		// The absolute, cleaned path.
		field.Text("path").Unique(),
		field.Enum("kind").Values("VIDEO", "NFO", "ARTWORK", "SUBTITLE").Default("VIDEO"),
		field.Int64("size"),
		field.Time("mod_time"),
		// A digest of the size and the first and last MiB: a file touched but not changed
		// (a copy, a restore from backup) is known without reading it all. Videos only.
		field.String("hash").Default(""),
		field.Int("title_id"),
		field.Int("episode_id").Optional().Nillable(),
		field.Int("video_id").Optional().Nillable(),
		// Set when a scan no longer found the file (videos only).
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
