package transcoder

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ffmpeg 5.1's HLS muxer writes each fMP4 media segment as one movie fragment: one moof box describing every
// sample, then one mdat holding them. A player can append nothing of such a segment before the whole of it
// has arrived, so the first frame waits for the first segment's last byte (a 4 s segment of the lowest rung
// is about 0.4 s at 5 Mb/s). Splitting the segments into fragments of a fraction of a second each lets a
// player that reads segments progressively (hls.js with progressive loading) append the first GOP's opening
// frames as soon as they arrive. Segment boundaries, keyframes, timestamps and the samples themselves are
// untouched: only the boxes that describe them are written anew, about a hundred bytes per fragment.

// errUnsplittable marks a segment laid out in a way splitSegment does not rewrite; it is then kept as it is.
var errUnsplittable = errors.New("segment layout not split")

// fragmentRendition splits every media segment of the rendition in dir into fragments of about every. Each
// segment is written beside itself and renamed over it, so a failure leaves whole segments only.
func fragmentRendition(dir string, every time.Duration) error {
	m, err := readMediaPlaylist(filepath.Join(dir, playlistName))
	if err != nil {
		return err
	}
	timescale, err := readTimescale(filepath.Join(dir, m.init))
	if err != nil {
		return err
	}
	ticks := uint64(every.Seconds() * float64(timescale))
	if ticks == 0 {
		return nil
	}
	for _, s := range m.segments {
		file := filepath.Join(dir, s.uri)
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		out, err := splitSegment(data, ticks)
		if errors.Is(err, errUnsplittable) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s.uri, err)
		}
		if err := replaceFile(file, out); err != nil {
			return err
		}
	}
	return nil
}

// replaceFile writes data beside file and renames it over file, so a reader or a failure sees the old
// content or the new one, never half of it.
func replaceFile(file string, data []byte) error {
	tmp := file + ".new"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, file); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// readTimescale returns the media timescale (ticks per second) of the single track in an init segment.
func readTimescale(file string) (uint32, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	var scale uint32
	err = walkBoxes(data, func(typ string, body []byte) error {
		if typ != "mdhd" || len(body) < 4 {
			return nil
		}
		at := 12 // version 0: creation and modification times of 4 bytes each
		if body[0] == 1 {
			at = 20
		}
		if len(body) < at+4 {
			return errors.New("short mdhd")
		}
		scale = binary.BigEndian.Uint32(body[at:])
		return nil
	})
	if err == nil && scale == 0 {
		err = errors.New("no media timescale")
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	return scale, nil
}

// box is one top-level box of a segment: data[start:end], its body from start+header.
type box struct {
	typ                string
	start, header, end int
}

func (b box) body(data []byte) []byte { return data[b.start+b.header : b.end] }

func topBoxes(data []byte) ([]box, error) {
	var out []box
	for at := 0; at < len(data); {
		if len(data)-at < 8 {
			return nil, errors.New("truncated box header")
		}
		size, header := uint64(binary.BigEndian.Uint32(data[at:])), 8
		switch size {
		case 0:
			size = uint64(len(data) - at)
		case 1:
			if len(data)-at < 16 {
				return nil, errors.New("truncated box header")
			}
			size, header = binary.BigEndian.Uint64(data[at+8:]), 16
		}
		if size < uint64(header) || size > uint64(len(data)-at) {
			return nil, fmt.Errorf("box %q has a bad size", data[at+4:at+8])
		}
		out = append(out, box{typ: string(data[at+4 : at+8]), start: at, header: header, end: at + int(size)})
		at += int(size)
	}
	return out, nil
}

// trun and tfhd flags (ISO/IEC 14496-12, 8.8.7 and 8.8.8).
const (
	tfhdBaseDataOffset   = 0x000001
	tfhdDescriptionIndex = 0x000002
	tfhdDefaultDuration  = 0x000008
	tfhdDefaultSize      = 0x000010
	tfhdDefaultFlags     = 0x000020

	trunDataOffset       = 0x000001
	trunFirstSampleFlags = 0x000004
	trunDuration         = 0x000100
	trunSize             = 0x000200
	trunFlags            = 0x000400
	trunCompositionTime  = 0x000800
)

// fragment is one parsed moof+mdat pair with a single track run.
type fragment struct {
	sequence   uint32
	tfhd       []byte // the whole box, copied unchanged into every new fragment
	decodeTime uint64 // tfdt
	version    byte   // trun version (signed composition offsets in version 1)
	flags      uint32 // trun flags
	firstFlags uint32
	samples    []sample
	data       []byte // the mdat body the samples live in, in order
}

type sample struct {
	duration, size, flags, cto uint32
}

// splitSegment rewrites one media segment so that each movie fragment holds samples of about ticks (in the
// track's timescale). Segments it does not understand fully (several tracks or runs per fragment, encryption
// boxes, explicit base offsets) yield errUnsplittable.
func splitSegment(data []byte, ticks uint64) ([]byte, error) {
	boxes, err := topBoxes(data)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(data)+len(data)/50)
	sidxAt := -1 // where the sidx box starts in out, whose one reference must cover the new fragments
	var fragStart int
	for i := 0; i < len(boxes); i++ {
		b := boxes[i]
		switch b.typ {
		case "sidx":
			sidxAt = len(out)
			out = append(out, data[b.start:b.end]...)
		case "moof":
			if i+1 == len(boxes) || boxes[i+1].typ != "mdat" {
				return nil, errUnsplittable
			}
			f, err := parseFragment(data, b, boxes[i+1])
			if err != nil {
				return nil, err
			}
			if sidxAt >= 0 && fragStart == 0 {
				fragStart = len(out)
			}
			if out, err = f.split(out, ticks); err != nil {
				return nil, err
			}
			i++
		default:
			out = append(out, data[b.start:b.end]...)
		}
	}
	if sidxAt >= 0 {
		if err := patchSidx(out[sidxAt:], uint32(len(out)-fragStart)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// patchSidx sets the referenced size of a segment index's only reference, the span of its fragments.
func patchSidx(sidx []byte, size uint32) error {
	if len(sidx) < 12 {
		return errUnsplittable
	}
	at := 8 + 4 + 4 + 4 + 8 // header, version/flags, reference_ID, timescale, version-0 times
	if sidx[8] == 1 {
		at += 8
	}
	if len(sidx) < at+4+12 || binary.BigEndian.Uint16(sidx[at+2:]) != 1 {
		return errUnsplittable
	}
	ref := binary.BigEndian.Uint32(sidx[at+4:])
	if size >= 1<<31 {
		return errUnsplittable
	}
	binary.BigEndian.PutUint32(sidx[at+4:], ref&(1<<31)|size)
	return nil
}

func parseFragment(data []byte, moof, mdat box) (*fragment, error) {
	children, err := topBoxes(moof.body(data))
	if err != nil {
		return nil, err
	}
	f := &fragment{}
	var traf []byte
	for _, c := range children {
		body := c.body(moof.body(data))
		switch c.typ {
		case "mfhd":
			if len(body) < 8 {
				return nil, errors.New("short mfhd")
			}
			f.sequence = binary.BigEndian.Uint32(body[4:])
		case "traf":
			if traf != nil {
				return nil, errUnsplittable
			}
			traf = body
		default:
			return nil, errUnsplittable
		}
	}
	if traf == nil {
		return nil, errUnsplittable
	}
	parts, err := topBoxes(traf)
	if err != nil {
		return nil, err
	}
	var tfhd, trun []byte
	haveTfdt := false
	for _, p := range parts {
		body := p.body(traf)
		switch {
		case p.typ == "tfhd" && tfhd == nil:
			tfhd, f.tfhd = body, traf[p.start:p.end]
		case p.typ == "tfdt" && !haveTfdt && len(body) >= 8:
			haveTfdt = true
			if body[0] == 1 && len(body) >= 12 {
				f.decodeTime = binary.BigEndian.Uint64(body[4:])
			} else {
				f.decodeTime = uint64(binary.BigEndian.Uint32(body[4:]))
			}
		case p.typ == "trun" && trun == nil:
			trun = body
		default:
			return nil, errUnsplittable
		}
	}
	if tfhd == nil || trun == nil || !haveTfdt || len(tfhd) < 8 || len(trun) < 12 {
		return nil, errUnsplittable
	}

	// Defaults from the track fragment header.
	hflags := binary.BigEndian.Uint32(tfhd) & 0xffffff
	if hflags&tfhdBaseDataOffset != 0 {
		return nil, errUnsplittable
	}
	at := 8 // version/flags, track_ID
	var defDuration, defSize uint32
	var haveDuration, haveSize bool
	for _, field := range []uint32{tfhdDescriptionIndex, tfhdDefaultDuration, tfhdDefaultSize, tfhdDefaultFlags} {
		if hflags&field == 0 {
			continue
		}
		if len(tfhd) < at+4 {
			return nil, errors.New("short tfhd")
		}
		v := binary.BigEndian.Uint32(tfhd[at:])
		switch field {
		case tfhdDefaultDuration:
			defDuration, haveDuration = v, true
		case tfhdDefaultSize:
			defSize, haveSize = v, true
		}
		at += 4
	}

	// The run itself.
	f.version = trun[0]
	f.flags = binary.BigEndian.Uint32(trun) & 0xffffff
	if f.flags&trunDataOffset == 0 || f.flags&trunDuration == 0 && !haveDuration || f.flags&trunSize == 0 && !haveSize {
		return nil, errUnsplittable
	}
	count := int(binary.BigEndian.Uint32(trun[4:]))
	at = 8
	dataOffset := int(int32(binary.BigEndian.Uint32(trun[at:])))
	at += 4
	if f.flags&trunFirstSampleFlags != 0 {
		if len(trun) < at+4 {
			return nil, errors.New("short trun")
		}
		f.firstFlags = binary.BigEndian.Uint32(trun[at:])
		at += 4
	}
	per := 0
	for _, field := range []uint32{trunDuration, trunSize, trunFlags, trunCompositionTime} {
		if f.flags&field != 0 {
			per += 4
		}
	}
	if count < 0 || len(trun) < at+count*per {
		return nil, errors.New("short trun")
	}
	f.samples = make([]sample, count)
	total := 0
	for i := range f.samples {
		s := sample{duration: defDuration, size: defSize}
		for _, field := range []uint32{trunDuration, trunSize, trunFlags, trunCompositionTime} {
			if f.flags&field == 0 {
				continue
			}
			v := binary.BigEndian.Uint32(trun[at:])
			at += 4
			switch field {
			case trunDuration:
				s.duration = v
			case trunSize:
				s.size = v
			case trunFlags:
				s.flags = v
			case trunCompositionTime:
				s.cto = v
			}
		}
		total += int(s.size)
		f.samples[i] = s
	}
	// The samples must be exactly the mdat's body, which is where ffmpeg puts them.
	if moof.start+dataOffset != mdat.start+mdat.header || total != mdat.end-mdat.start-mdat.header {
		return nil, errUnsplittable
	}
	f.data = mdat.body(data)
	return f, nil
}

// split appends f to out as fragments of about ticks each.
func (f *fragment) split(out []byte, ticks uint64) ([]byte, error) {
	var groups [][2]int // sample index ranges
	start, acc := 0, uint64(0)
	for i, s := range f.samples {
		acc += uint64(s.duration)
		if acc >= ticks && i+1 < len(f.samples) {
			groups = append(groups, [2]int{start, i + 1})
			start, acc = i+1, 0
		}
	}
	groups = append(groups, [2]int{start, len(f.samples)})
	if len(groups) > 255 {
		return nil, errUnsplittable
	}
	per := 0
	for _, field := range []uint32{trunDuration, trunSize, trunFlags, trunCompositionTime} {
		if f.flags&field != 0 {
			per += 4
		}
	}
	decode, offset := f.decodeTime, 0
	for g, r := range groups {
		flags := f.flags
		if g > 0 {
			// Only the run's first sample had its own flags; later groups start on ordinary samples, which
			// take the defaults like they did before.
			flags &^= trunFirstSampleFlags
		}
		n := r[1] - r[0]
		runBytes := 8 + 12 + n*per
		if flags&trunFirstSampleFlags != 0 {
			runBytes += 4
		}
		trafSize := 8 + len(f.tfhd) + 20 + runBytes
		moofSize := 8 + 16 + trafSize

		out = appendHeader(out, moofSize, "moof")
		out = appendHeader(out, 16, "mfhd")
		out = binary.BigEndian.AppendUint32(out, 0)
		out = binary.BigEndian.AppendUint32(out, f.sequence<<8|uint32(g))
		out = appendHeader(out, trafSize, "traf")
		out = append(out, f.tfhd...)
		out = appendHeader(out, 20, "tfdt")
		out = binary.BigEndian.AppendUint32(out, 1<<24)
		out = binary.BigEndian.AppendUint64(out, decode)
		out = appendHeader(out, runBytes, "trun")
		out = binary.BigEndian.AppendUint32(out, uint32(f.version)<<24|flags)
		out = binary.BigEndian.AppendUint32(out, uint32(n))
		out = binary.BigEndian.AppendUint32(out, uint32(moofSize+8)) // the samples follow the mdat header
		if flags&trunFirstSampleFlags != 0 {
			out = binary.BigEndian.AppendUint32(out, f.firstFlags)
		}
		size := 0
		for _, s := range f.samples[r[0]:r[1]] {
			for _, field := range []uint32{trunDuration, trunSize, trunFlags, trunCompositionTime} {
				if flags&field == 0 {
					continue
				}
				switch field {
				case trunDuration:
					out = binary.BigEndian.AppendUint32(out, s.duration)
				case trunSize:
					out = binary.BigEndian.AppendUint32(out, s.size)
				case trunFlags:
					out = binary.BigEndian.AppendUint32(out, s.flags)
				case trunCompositionTime:
					out = binary.BigEndian.AppendUint32(out, s.cto)
				}
			}
			size += int(s.size)
			decode += uint64(s.duration)
		}
		out = appendHeader(out, 8+size, "mdat")
		out = append(out, f.data[offset:offset+size]...)
		offset += size
	}
	return out, nil
}

func appendHeader(out []byte, size int, typ string) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(size))
	return append(out, typ...)
}
