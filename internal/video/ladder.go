package video

import (
	"encoding/json"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/transcoder"
)

// Ladder is how a transcoded video's ladder was encoded; nil for videos transcoded before
// ladders were recorded.
func Ladder(v *ent.Video) *transcoder.Ladder {
	if v.Ladder == nil {
		return nil
	}
	l := fromMap[transcoder.Ladder](v.Ladder)
	return &l
}

// toMap and fromMap move a value in and out of a JSON column kept as a map.
func toMap(v any) map[string]any {
	m := map[string]any{}
	if b, err := json.Marshal(v); err == nil {
		_ = json.Unmarshal(b, &m)
	}
	return m
}

func fromMap[T any](m map[string]any) T {
	var v T
	if b, err := json.Marshal(m); err == nil {
		_ = json.Unmarshal(b, &v)
	}
	return v
}
