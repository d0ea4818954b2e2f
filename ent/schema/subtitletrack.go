package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// SubtitleTrack is one text track of a video: uploaded, found beside its library file, or
// extracted from its source. Its cues are kept here as WebVTT, the one format it is stored
// in; the media store holds the segmented copy players fetch.
type SubtitleTrack struct{ ent.Schema }

// Mixin of the SubtitleTrack.
func (SubtitleTrack) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the SubtitleTrack.
func (SubtitleTrack) Fields() []ent.Field {
	return []ent.Field{
		field.Int("video_id"),
		// A BCP 47 language tag (en, pt-BR), or "und" when unknown.
		field.String("language"),
		field.String("name"),
		field.Enum("kind").Values("SUBTITLES", "CAPTIONS", "FORCED"),
		field.Bool("default").Default(false),
		field.Enum("origin").Values("UPLOAD", "LIBRARY", "SOURCE").Default("UPLOAD"),
		field.Int("cues").NonNegative(),
		// Cues of the file left out: impossible times, no text.
		field.Int("dropped").NonNegative().Default(0),
		field.Text("vtt"),
	}
}

// Indexes of the SubtitleTrack.
func (SubtitleTrack) Indexes() []ent.Index {
	return []ent.Index{index.Fields("video_id")}
}

// Annotations of the SubtitleTrack.
func (SubtitleTrack) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}
