package video

import "github.com/marquee-org/marquee/transcoder"

// AudioKind is what an audio track holds.
type AudioKind string

// The kinds of audio track.
const (
	AudioMain        AudioKind = "MAIN"
	AudioCommentary  AudioKind = "COMMENTARY"
	AudioDescription AudioKind = "DESCRIPTION"
)

// AudioTrack is an audio track of a video as players list it.
type AudioTrack struct {
	Language string    // BCP 47, und when unknown
	Name     string    // the NAME of its renditions in the master playlist
	Kind     AudioKind //
	Default  bool
	Channels int  // the source track's: 1 mono, 2 stereo, 6 for 5.1, 8 for 7.1
	Surround bool // a 5.1 rendition was made besides the stereo one
}

// AudioTracks lists the audio tracks of a transcoded video from its source description
// (source_info). A video transcoded before tracks were kept has its one track, described as
// well as that source did.
func AudioTracks(info map[string]any) []AudioTrack {
	src := fromMap[transcoder.Source](info)
	tracks := src.Audio
	if len(tracks) == 0 && src.HasAudio {
		tracks = []transcoder.AudioTrack{{Index: src.AudioStream, Codec: src.AudioCodec, Channels: 2, Language: "und", Default: true}}
	}
	names := transcoder.AudioNames(tracks)
	out := make([]AudioTrack, len(tracks))
	for i, t := range tracks {
		kind := AudioMain
		switch {
		case t.Commentary:
			kind = AudioCommentary
		case t.Description:
			kind = AudioDescription
		}
		out[i] = AudioTrack{Language: t.Language, Name: names[i], Kind: kind, Default: t.Default, Channels: t.Channels, Surround: t.Surround()}
	}
	return out
}
