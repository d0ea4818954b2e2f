package transcoder

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Encryption says how Encrypt protects the renditions of a published folder.
type Encryption struct {
	// Key is the AES-128 key of a rendition's key period; KeyURI is how its media playlist names it.
	Key    func(rendition string, period int) [16]byte
	KeyURI func(rendition string, period int) string
	// Import is the variable the key URIs use; each media playlist imports it from the master that
	// led to it (#EXT-X-DEFINE:IMPORT), so the playlists are the same for every viewer.
	Import string
	// Period is how much content one key covers; a rendition's key changes at the first segment that
	// starts in the next period. 0 keeps one key for the whole rendition.
	Period time.Duration
}

// ErrAlreadyEncrypted is returned for a rendition whose playlist already names a key.
var ErrAlreadyEncrypted = errors.New("transcoder: rendition already encrypted")

// Encrypt encrypts, in place, every audio and video rendition in dir: each top-level folder whose
// index.m3u8 lists fMP4 segments (.m4s). Each segment is encrypted whole with AES-128-CBC and PKCS#7
// padding (HLS METHOD=AES-128), its IV the segment's media sequence number as the format's default;
// init segments stay clear (they hold no media). The playlist gains the key tags. Subtitles and
// thumbnails are left as they are. Segments are rewritten before the playlist, each by a rename, so
// the folder is never read with a playlist that lies about its segments; it is meant for a scratch
// copy that is published once Encrypt returns.
func Encrypt(dir string, e Encryption) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	for _, ent := range entries {
		if !ent.IsDir() {
			continue
		}
		list := filepath.Join(dir, ent.Name(), playlistName)
		m, err := readMediaPlaylist(list)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("encrypt: %w", err)
		}
		if len(m.segments) == 0 || !strings.HasSuffix(m.segments[0].uri, ".m4s") {
			continue // subtitles (WebVTT) and anything else that is not fMP4 media
		}
		if err := encryptRendition(filepath.Join(dir, ent.Name()), ent.Name(), e); err != nil {
			return fmt.Errorf("encrypt %s: %w", ent.Name(), err)
		}
	}
	return nil
}

// encryptRendition rewrites one rendition's playlist line by line and encrypts each segment it lists.
func encryptRendition(dir, name string, e Encryption) error {
	file := filepath.Join(dir, playlistName)
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	var (
		seq      uint64
		index    uint64
		start    float64 // where the next segment starts, in seconds
		duration = -1.0  // of the next segment, from its EXTINF
		period   = -1    // of the key last named
		imported bool
	)
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "#EXT-X-KEY:"):
			return ErrAlreadyEncrypted
		case strings.HasPrefix(line, "#EXT-X-BYTERANGE"):
			return errors.New("byte-range segments are not encrypted")
		case strings.HasPrefix(line, "#EXT-X-VERSION:"):
			// EXT-X-DEFINE needs protocol version 8.
			v, _ := strconv.Atoi(strings.TrimPrefix(line, "#EXT-X-VERSION:"))
			fmt.Fprintf(&out, "#EXT-X-VERSION:%d\n", max(v, 8))
			fmt.Fprintf(&out, "#EXT-X-DEFINE:IMPORT=%q\n", e.Import)
			imported = true
			continue
		case strings.HasPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"):
			n, err := strconv.ParseUint(strings.TrimPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"), 10, 63)
			if err != nil {
				return fmt.Errorf("bad %q", line)
			}
			seq = n
		case strings.HasPrefix(line, "#EXTINF:"):
			d, _, _ := strings.Cut(strings.TrimPrefix(line, "#EXTINF:"), ",")
			if duration, err = strconv.ParseFloat(d, 64); err != nil {
				return fmt.Errorf("bad %q", line)
			}
			if !imported {
				return errors.New("playlist has no EXT-X-VERSION")
			}
			if p := keyPeriod(start, e.Period); p != period {
				period = p
				fmt.Fprintf(&out, "#EXT-X-KEY:METHOD=AES-128,URI=%q\n", e.KeyURI(name, p))
			}
		case line != "" && !strings.HasPrefix(line, "#"):
			if duration < 0 {
				return fmt.Errorf("segment %q without EXTINF", line)
			}
			if err := encryptSegment(filepath.Join(dir, line), e.Key(name, period), seq+index); err != nil {
				return err
			}
			index++
			start += duration
			duration = -1
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return replaceFile(file, out.Bytes())
}

// keyPeriod is the key period a segment starting at start (seconds) falls in. A millisecond of slack
// keeps a segment that starts a hair before a boundary, as rounded EXTINF sums do, in the new period.
func keyPeriod(start float64, period time.Duration) int {
	if period <= 0 {
		return 0
	}
	return int(math.Floor((start + 0.001) / period.Seconds()))
}

// encryptSegment encrypts file with AES-128-CBC under key, the IV being the media sequence number seq as a
// big-endian 128-bit integer, and PKCS#7 padding.
func encryptSegment(file string, key [16]byte, seq uint64) error {
	plain, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return err
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	buf := make([]byte, len(plain)+pad)
	copy(buf, plain)
	for i := len(plain); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(block, SegmentIV(seq)).CryptBlocks(buf, buf)
	return replaceFile(file, buf)
}

// SegmentIV is the IV of the segment with media sequence number seq when the playlist names none.
func SegmentIV(seq uint64) []byte {
	iv := make([]byte, aes.BlockSize)
	binary.BigEndian.PutUint64(iv[8:], seq)
	return iv
}
