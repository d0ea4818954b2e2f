package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Video is one encoded asset: the movie itself or one episode.
type Video struct{ ent.Schema }

// Mixin of the Video.
func (Video) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Video.
func (Video) Fields() []ent.Field {
	return []ent.Field{
		field.Int("title_id"),
		field.Int("episode_id").Optional().Nillable(),
		// UNAVAILABLE: READY once, but the library file it came from is gone; a scan that
		// finds the file again makes it READY.
		field.Enum("status").Values("QUEUED", "PROCESSING", "READY", "FAILED", "UNAVAILABLE").Default("QUEUED").
			Annotations(entgql.Type("VideoStatus")),
		field.String("failure_reason").Default("").
			Comment("Why the transcode failed; administrators only (empty for others)."),
		field.Int("progress_percent").Default(0).Min(0).Max(100).
			Comment("How far the transcode got; administrators only (others read 100 once READY, else 0)."),
		field.Float("duration_seconds").Default(0),
		// Where the uploaded or ingested source lives, relative to the media store.
		field.String("source_path").Default("").Annotations(entgql.Skip()),
		// Probe results: container, codecs, width, height, bitrate, frame rate.
		field.JSON("source_info", map[string]any{}).Optional().Annotations(entgql.Skip()),
		// Directory of the published HLS output, relative to the media store.
		field.String("output_dir").Default("").Annotations(entgql.Skip()),
		field.Time("ready_at").Optional().Nillable(),
		// Skip markers set by administrators, in seconds: the intro (start and end) and where
		// the end credits begin.
		field.Float("intro_start").Optional().Nillable(),
		field.Float("intro_end").Optional().Nillable(),
		field.Float("credits_start").Optional().Nillable(),
		// The video this one replaces once READY (its library file changed): the old one is
		// removed then, so viewers keep a playable version until the new one is.
		field.Int("replaces_id").Optional().Nillable().Annotations(entgql.Skip()),
		// The seed of the video's content keys, sealed with the server secret (media.Keyring);
		// set before the first encrypted output is published and never changed after.
		// How the bitrate ladder was encoded: the method and every planned rung with what it took;
		// administrators read it as encodingLadder.
		field.JSON("ladder", map[string]any{}).Optional().Annotations(entgql.Skip()),
		field.Bytes("content_key").Optional().Sensitive().Annotations(entgql.Skip()),
	}
}

// Edges of the Video.
func (Video) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("title", Title.Type).Ref("videos").Unique().Required().Field("title_id"),
		edge.From("episode", Episode.Type).Ref("videos").Unique().Field("episode_id").
			Annotations(entgql.Skip()),
		edge.To("renditions", Rendition.Type),
	}
}

// Indexes of the Video.
func (Video) Indexes() []ent.Index {
	return []ent.Index{index.Fields("title_id", "episode_id"), index.Fields("status")}
}

// Annotations of the Video.
func (Video) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}

// Rendition is one rung of a video's bitrate ladder.
type Rendition struct{ ent.Schema }

// Fields of the Rendition.
func (Rendition) Fields() []ent.Field {
	return []ent.Field{
		field.Int("video_id"),
		field.Int("width").Positive(),
		field.Int("height").Positive(),
		// Peak and average bits per second, as in the master playlist.
		field.Int("bandwidth").NonNegative(),
		field.Int("average_bandwidth").NonNegative(),
		field.String("codecs"),
		field.Float("frame_rate").Default(0),
		field.String("playlist_path").Annotations(entgql.Skip()),
	}
}

// Edges of the Rendition.
func (Rendition) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("video", Video.Type).Ref("renditions").Unique().Required().Field("video_id").
			Annotations(entgql.Skip()),
	}
}

// Indexes of the Rendition.
func (Rendition) Indexes() []ent.Index {
	return []ent.Index{index.Fields("video_id", "height").Unique()}
}

// Annotations of the Rendition.
func (Rendition) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}
