package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// PlaybackSession is one stream being watched; it counts against the plan's stream limit
// from startPlayback until it ends, is revoked, or misses its heartbeats.
type PlaybackSession struct{ ent.Schema }

// Fields of the PlaybackSession.
func (PlaybackSession) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		// The profile that started it keeps it, whatever the login switches to meanwhile.
		field.Int("profile_id").Optional(),
		field.Int("title_id"),
		field.Int("episode_id").Optional().Nillable(),
		field.Int("video_id"),
		// The login that started it: logging out revokes its streams.
		field.Int("auth_session_id").Optional().Nillable(),
		field.Int("max_height").NonNegative(),
		field.Enum("status").Values("ACTIVE", "ENDED", "REVOKED", "EXPIRED").Default("ACTIVE").
			Annotations(entgql.Type("PlaybackStatus")),
		field.Float("position_seconds").Default(0),
		field.Time("started_at").Immutable().Default(time.Now),
		field.Time("last_heartbeat_at").Default(time.Now),
		field.Time("ended_at").Optional().Nillable(),
		field.Time("expires_at"),
		// What the player measured (reportPlaybackQoe): time to the first frame, stalls
		// after it, content seconds played in all and on each rung (by picture height),
		// rung switches, dropped frames, and the error that stopped playback, if one did.
		field.Float("startup_ms").Optional().Nillable(),
		field.Int("stall_count").Default(0),
		field.Float("stall_ms").Default(0),
		field.Float("played_seconds").Default(0),
		field.JSON("rung_seconds", map[int]float64{}).Optional(),
		field.Int("rung_switches").Default(0),
		field.Int("dropped_frames").Default(0),
		field.String("fatal_error").Default("").MaxLen(200),
		// When the last report was taken: one a second at most per session.
		field.Time("qoe_reported_at").Optional().Nillable(),
	}
}

// Edges of the PlaybackSession.
func (PlaybackSession) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("playback_sessions").Unique().Required().Field("user_id"),
	}
}

// Indexes of the PlaybackSession.
func (PlaybackSession) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id", "status", "last_heartbeat_at"),
		index.Fields("auth_session_id"),
		index.Fields("started_at"),
	}
}

// Annotations of the PlaybackSession.
func (PlaybackSession) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}

// WatchProgress is where a viewer stopped in one video.
type WatchProgress struct{ ent.Schema }

// Fields of the WatchProgress.
func (WatchProgress) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		// The profile whose activity this is; user_id is its account.
		field.Int("profile_id").Optional(),
		field.Int("title_id"),
		field.Int("episode_id").Optional().Nillable(),
		field.Int("video_id"),
		field.Float("position_seconds").Default(0),
		field.Float("duration_seconds").Default(0),
		field.Bool("completed").Default(false),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now),
	}
}

// Edges of the WatchProgress.
func (WatchProgress) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("watch_progress").Unique().Required().Field("user_id"),
		edge.From("title", Title.Type).Ref("watch_progress").Unique().Required().Field("title_id"),
	}
}

// Indexes of the WatchProgress.
func (WatchProgress) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("profile_id", "video_id").Unique(),
		// A profile's finished (or unfinished) titles, latest first: up next.
		index.Fields("profile_id", "completed", "updated_at"),
		// Continue Watching reads a profile's latest progress, whatever its state.
		index.Fields("profile_id", "updated_at"),
		index.Fields("title_id"),
	}
}

// Annotations of the WatchProgress.
func (WatchProgress) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}

// Rating is a viewer's 1–5 star rating of a title.
type Rating struct{ ent.Schema }

// Mixin of the Rating.
func (Rating) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Rating.
func (Rating) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		// The profile whose activity this is; user_id is its account.
		field.Int("profile_id").Optional(),
		field.Int("title_id"),
		field.Int("stars").Range(1, 5),
	}
}

// Edges of the Rating.
func (Rating) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("ratings").Unique().Required().Field("user_id"),
		edge.From("title", Title.Type).Ref("ratings").Unique().Required().Field("title_id"),
	}
}

// Indexes of the Rating.
func (Rating) Indexes() []ent.Index {
	return []ent.Index{index.Fields("profile_id", "title_id").Unique(), index.Fields("title_id")}
}

// Annotations of the Rating.
func (Rating) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}

// MyListItem is a title a viewer saved for later.
type MyListItem struct{ ent.Schema }

// Fields of the MyListItem.
func (MyListItem) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		// The profile whose activity this is; user_id is its account.
		field.Int("profile_id").Optional(),
		field.Int("title_id"),
		field.Time("created_at").Immutable().Default(time.Now),
	}
}

// Edges of the MyListItem.
func (MyListItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("my_list").Unique().Required().Field("user_id"),
		edge.From("title", Title.Type).Ref("listed_by").Unique().Required().Field("title_id"),
	}
}

// Indexes of the MyListItem.
func (MyListItem) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("profile_id", "title_id").Unique(),
		index.Fields("profile_id", "created_at"),
	}
}

// Annotations of the MyListItem.
func (MyListItem) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}

// ViewEvent is one entry of the activity log that trending and the recommender learn from.
type ViewEvent struct{ ent.Schema }

// Fields of the ViewEvent.
func (ViewEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Optional().Nillable(),
		// The profile that watched; user_id is its account.
		field.Int("profile_id").Optional().Nillable(),
		field.Int("title_id"),
		field.Int("video_id").Optional().Nillable(),
		field.Enum("kind").Values("PLAY", "PROGRESS", "COMPLETE", "RATE", "LIST"),
		// Interaction strength: completed > rated high > listed > started.
		field.Float("weight").Default(1),
		field.Time("created_at").Immutable().Default(time.Now),
	}
}

// Edges of the ViewEvent.
func (ViewEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("view_events").Unique().Field("user_id"),
		edge.From("title", Title.Type).Ref("view_events").Unique().Required().Field("title_id"),
	}
}

// Indexes of the ViewEvent.
func (ViewEvent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("title_id", "created_at"),
		index.Fields("profile_id", "created_at"),
		index.Fields("created_at"),
	}
}

// Annotations of the ViewEvent.
func (ViewEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}

// Recommendation is a precomputed suggestion: for a viewer (RECOMMENDED), for a viewer
// because of a title they watched (BECAUSE_YOU_WATCHED), or for a title (SIMILAR).
type Recommendation struct{ ent.Schema }

// Fields of the Recommendation.
func (Recommendation) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("RECOMMENDED", "BECAUSE_YOU_WATCHED", "SIMILAR"),
		field.Int("user_id").Optional().Nillable(),
		// The profile it is for (RECOMMENDED, BECAUSE_YOU_WATCHED); user_id is its account.
		field.Int("profile_id").Optional().Nillable(),
		field.Int("source_title_id").Optional().Nillable(),
		field.Int("title_id"),
		field.Int("rank"),
		field.Float("score"),
		field.String("model").Default(""),
		field.String("reason").Default(""),
		field.Time("created_at").Immutable().Default(time.Now),
	}
}

// Edges of the Recommendation.
func (Recommendation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("recommendations").Unique().Field("user_id"),
	}
}

// Indexes of the Recommendation.
func (Recommendation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("profile_id", "kind", "rank"),
		index.Fields("source_title_id", "kind", "rank"),
		// The refresh job asks when the last refresh ran.
		index.Fields("created_at"),
	}
}

// Annotations of the Recommendation.
func (Recommendation) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}
