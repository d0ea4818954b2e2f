package transcoder

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Splitting segments into fragments changes how samples are described, never which samples there are: every
// segment read as init + segment, the way a player switching rungs reads it, gives ffprobe the same packets
// (timestamps, durations, sizes, keyframe flags) before and after, in every video and audio rendition.
func TestFragmentRendition(t *testing.T) {
	t.Parallel()
	_, ffprobe := tools(t)
	dir := t.TempDir()
	input := makeClip(t, dir, "in.mp4", clip{audio: true})
	whole := filepath.Join(dir, "whole")
	require.NoError(t, os.Mkdir(whole, 0o755))
	o := testOptions()
	o.Fragment = -1
	res, err := Transcode(context.Background(), o, input, whole, nil)
	require.NoError(t, err)

	split := filepath.Join(dir, "split")
	require.NoError(t, os.CopyFS(split, os.DirFS(whole)))
	names := []string{res.Renditions[0].Name, res.Renditions[2].Name, res.Audio[0].Name}
	for _, name := range names {
		require.NoError(t, fragmentRendition(filepath.Join(split, name), 500*time.Millisecond))
	}

	for _, name := range names {
		m, err := readMediaPlaylist(filepath.Join(whole, name, playlistName))
		require.NoError(t, err)
		require.Len(t, m.segments, 2)
		for _, s := range m.segments {
			before := packets(t, ffprobe, filepath.Join(whole, name), m.init, s.uri)
			after := packets(t, ffprobe, filepath.Join(split, name), m.init, s.uri)
			require.NotEmpty(t, before)
			require.Equal(t, before, after, "%s/%s", name, s.uri)

			data, err := os.ReadFile(filepath.Join(split, name, s.uri))
			require.NoError(t, err)
			boxes, err := topBoxes(data)
			require.NoError(t, err)
			var moofs, span int
			for i, b := range boxes {
				if b.typ == "moof" {
					moofs++
					if moofs == 1 {
						span = len(data) - b.start
					}
				}
				if b.typ == "mdat" {
					require.Equal(t, "moof", boxes[i-1].typ)
				}
			}
			// 2 s segments (1 s for the last of a 3 s clip) in fragments of half a second.
			want := int(2 * s.duration)
			require.InDelta(t, want, moofs, 1, "%s/%s: %d fragments in %.2f s", name, s.uri, moofs, s.duration)
			require.Greater(t, moofs, 1)
			require.Equal(t, span, sidxReferencedSize(t, data), "the segment index covers every fragment")
		}
	}

	// Segments it does not rewrite stay as they were: a moof without its mdat, garbage.
	seg, err := os.ReadFile(filepath.Join(whole, names[0], "seg_00001.m4s"))
	require.NoError(t, err)
	boxes, err := topBoxes(seg)
	require.NoError(t, err)
	last := boxes[len(boxes)-1]
	require.Equal(t, "mdat", last.typ)
	_, err = splitSegment(seg[:last.start], 7680)
	require.ErrorIs(t, err, errUnsplittable)
	_, err = splitSegment([]byte("not an mp4 box at all"), 7680)
	require.Error(t, err)
}

// A default transcode publishes fragmented segments.
func TestTranscodeFragments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := makeClip(t, dir, "in.mp4", clip{audio: true})
	out := filepath.Join(dir, "out")
	require.NoError(t, os.Mkdir(out, 0o755))
	res, err := Transcode(context.Background(), testOptions(), input, out, nil)
	require.NoError(t, err)
	for _, name := range []string{res.Renditions[0].Name, res.Audio[0].Name} {
		data, err := os.ReadFile(filepath.Join(out, name, "seg_00001.m4s"))
		require.NoError(t, err)
		require.Equal(t, 4, strings.Count(string(data), "moof"), "%s: a 2 s segment in 0.5 s fragments", name)
	}
}

// packets lists what ffprobe reads from init + segment in dir.
func packets(t *testing.T, ffprobe, dir, init, segment string) string {
	t.Helper()
	head, err := os.ReadFile(filepath.Join(dir, init))
	require.NoError(t, err)
	body, err := os.ReadFile(filepath.Join(dir, segment))
	require.NoError(t, err)
	joined := filepath.Join(t.TempDir(), "joined.mp4")
	require.NoError(t, os.WriteFile(joined, append(head, body...), 0o644))
	out, err := execCommand(ffprobe, "-v", "error", "-f", "mov", "-show_entries",
		"packet=stream_index,pts,dts,duration,size,flags", "-of", "csv=p=0", joined).Output()
	require.NoError(t, err)
	return string(out)
}

// sidxReferencedSize is the referenced size of a segment's one sidx reference.
func sidxReferencedSize(t *testing.T, data []byte) int {
	t.Helper()
	boxes, err := topBoxes(data)
	require.NoError(t, err)
	for _, b := range boxes {
		if b.typ == "sidx" {
			at := b.start + 8 + 4 + 4 + 4 + 8
			if data[b.start+8] == 1 { // version 1: 64-bit times
				at += 8
			}
			require.Equal(t, uint16(1), binary.BigEndian.Uint16(data[at+2:]))
			return int(binary.BigEndian.Uint32(data[at+4:]) &^ (1 << 31))
		}
	}
	t.Fatal("no sidx")
	return 0
}
