package transcoder

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// initInfo is what the master playlist needs from an fMP4 init segment.
type initInfo struct {
	codecs        []string // RFC 6381 codec strings in track order
	width, height int      // of the video sample entry
}

// readInit reads an init segment written by ffmpeg's HLS muxer. The codec strings come from the encoded
// configuration records themselves (avcC's profile, constraint flags and level; esds's audio object type), so
// the master playlist states exactly what a player will be asked to decode.
func readInit(file string) (initInfo, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return initInfo{}, err
	}
	var info initInfo
	err = walkBoxes(data, func(typ string, body []byte) error {
		switch typ {
		case "avc1", "avc3":
			// VisualSampleEntry: 6 reserved, 2 data_reference_index, 16 pre_defined/reserved, then width and
			// height; its child boxes start 78 bytes in.
			if len(body) < 78 {
				return errors.New("short avc1 sample entry")
			}
			info.width = int(binary.BigEndian.Uint16(body[24:26]))
			info.height = int(binary.BigEndian.Uint16(body[26:28]))
			return walkBoxes(body[78:], func(t string, b []byte) error {
				if t != "avcC" {
					return nil
				}
				if len(b) < 4 {
					return errors.New("short avcC")
				}
				info.codecs = append(info.codecs, fmt.Sprintf("%s.%02x%02x%02x", typ, b[1], b[2], b[3]))
				return nil
			})
		case "mp4a":
			// AudioSampleEntry: 28 bytes before its child boxes.
			if len(body) < 28 {
				return errors.New("short mp4a sample entry")
			}
			return walkBoxes(body[28:], func(t string, b []byte) error {
				if t != "esds" {
					return nil
				}
				c, err := esdsCodec(b)
				if err != nil {
					return err
				}
				info.codecs = append(info.codecs, c)
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return info, fmt.Errorf("%s: %w", file, err)
	}
	if len(info.codecs) == 0 {
		return info, fmt.Errorf("%s: no H.264 or AAC track", file)
	}
	return info, nil
}

// walkBoxes calls fn for every box in data, descending into the containers on the way to the sample
// descriptions (moov/trak/mdia/minf/stbl/stsd).
func walkBoxes(data []byte, fn func(typ string, body []byte) error) error {
	for len(data) > 0 {
		if len(data) < 8 {
			return errors.New("truncated box header")
		}
		size, header := uint64(binary.BigEndian.Uint32(data[0:4])), uint64(8)
		typ := string(data[4:8])
		switch size {
		case 0:
			size = uint64(len(data))
		case 1:
			if len(data) < 16 {
				return errors.New("truncated box header")
			}
			size, header = binary.BigEndian.Uint64(data[8:16]), 16
		}
		if size < header || size > uint64(len(data)) {
			return fmt.Errorf("box %q has a bad size", typ)
		}
		body := data[header:size]
		data = data[size:]
		switch typ {
		case "moov", "trak", "mdia", "minf", "stbl":
			if err := walkBoxes(body, fn); err != nil {
				return err
			}
		case "stsd":
			// FullBox header (4 bytes) and entry count (4 bytes) precede the sample entries.
			if len(body) < 8 {
				return errors.New("short stsd")
			}
			if err := walkBoxes(body[8:], fn); err != nil {
				return err
			}
		default:
			if err := fn(typ, body); err != nil {
				return err
			}
		}
	}
	return nil
}

// esdsCodec returns "mp4a.<objectTypeIndication>.<audioObjectType>" from an esds box (ISO 14496-1 descriptors).
func esdsCodec(b []byte) (string, error) {
	if len(b) < 4 {
		return "", errors.New("short esds")
	}
	b = b[4:] // FullBox header
	tag, body, _, err := descriptor(b)
	if err != nil || tag != 0x03 || len(body) < 3 {
		return "", errors.New("esds without ES_Descriptor")
	}
	flags := body[2]
	body = body[3:]
	if flags&0x80 != 0 { // streamDependenceFlag
		body = body[min(2, len(body)):]
	}
	if flags&0x40 != 0 && len(body) > 0 { // URL_Flag
		body = body[min(1+int(body[0]), len(body)):]
	}
	if flags&0x20 != 0 { // OCRstreamFlag
		body = body[min(2, len(body)):]
	}
	tag, dcd, _, err := descriptor(body)
	if err != nil || tag != 0x04 || len(dcd) < 13 {
		return "", errors.New("esds without DecoderConfigDescriptor")
	}
	oti := dcd[0]
	tag, asc, _, err := descriptor(dcd[13:])
	if err != nil || tag != 0x05 || len(asc) < 1 {
		return fmt.Sprintf("mp4a.%02x", oti), nil
	}
	aot := int(asc[0] >> 3)
	if aot == 31 && len(asc) >= 2 { // escape: 6 more bits follow
		aot = 32 + (int(asc[0]&0x07)<<3 | int(asc[1]>>5))
	}
	return fmt.Sprintf("mp4a.%02x.%d", oti, aot), nil
}

// descriptor splits one tag-length-value descriptor off b; lengths are 1–4 bytes of 7 bits.
func descriptor(b []byte) (tag byte, body, rest []byte, err error) {
	if len(b) < 2 {
		return 0, nil, nil, errors.New("short descriptor")
	}
	tag = b[0]
	n, i := 0, 1
	for ; i < len(b) && i <= 4; i++ {
		n = n<<7 | int(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			i++
			break
		}
	}
	if i+n > len(b) {
		return 0, nil, nil, errors.New("descriptor overruns its box")
	}
	return tag, b[i : i+n], b[i+n:], nil
}
