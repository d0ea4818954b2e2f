package media

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"sync"
	"time"
)

// Errors Verify returns. They are for logs and tests: the handler answers all of them with the same
// bare 403 so a client learns nothing about which check failed.
var (
	ErrTokenMalformed = errors.New("media: malformed playback token")
	ErrTokenSignature = errors.New("media: playback token signature mismatch")
	ErrTokenExpired   = errors.New("media: playback token expired")
)

// Grant is what a playback token allows.
type Grant struct {
	SessionID int
	VideoID   int
	MaxHeight int // the highest rung (by its "<N>p" name) the viewer's plan may fetch; 0 = no limit
	Expires   time.Time
}

// MinSecretLen is the shortest secret NewSigner accepts: 256 bits, what HMAC-SHA256 can make use of.
// Any viewer holds tokens, so a weaker secret could be searched for offline.
const MinSecretLen = 32

const (
	// tokenDomain derives the MAC key from the secret, so that a secret shared with another signer
	// in the deployment can never make that signer's output pass as a playback token, or the reverse.
	tokenDomain = "marquee/media-token/v1"
	macLen      = 43 // base64.RawURLEncoding.EncodedLen(sha256.Size)
	// maxTokenLen bounds the work Verify does for garbage: four 18-digit fields, four dashes and the MAC.
	maxTokenLen = 4*18 + 4 + macLen
	maxDigits   = 18 // every 18-digit decimal fits an int64
)

// Signer mints and checks playback tokens. A token is
//
//	<sessionID>-<videoID>-<maxHeight>-<expires unix seconds>-<base64url HMAC-SHA256 of the rest>
//
// which is URL-path-safe without escaping (digits, '-', '_' and letters only), so it can sit in the path
// and cover every relative URI a playlist names.
type Signer struct {
	key []byte
	// Pooled so that verifying a token per media request does not allocate a fresh HMAC state
	// (two SHA-256 digests and their pads) each time.
	macs sync.Pool
}

// macState is one pooled HMAC with its scratch space. The input is copied into in rather than
// converted from a string because a slice handed to hash.Hash.Write escapes to the heap.
type macState struct {
	h   hash.Hash
	in  [maxTokenLen]byte
	sum [sha256.Size]byte
	enc [macLen]byte
}

// NewSigner returns a Signer whose key is derived from secret (see tokenDomain); secret is not kept.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("media: token secret must be at least %d bytes, got %d", MinSecretLen, len(secret))
	}
	kdf := hmac.New(sha256.New, secret)
	kdf.Write([]byte(tokenDomain))
	s := &Signer{key: kdf.Sum(nil)}
	s.macs.New = func() any { return &macState{h: hmac.New(sha256.New, s.key)} }
	return s, nil
}

// Sign returns the token for g. Expires is kept to the second, rounded down. The IDs and MaxHeight
// must be non-negative and Expires after 1970: other grants give tokens that Verify refuses.
func (s *Signer) Sign(g Grant) string {
	b := make([]byte, 0, maxTokenLen)
	b = strconv.AppendInt(b, int64(g.SessionID), 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(g.VideoID), 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(g.MaxHeight), 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, g.Expires.Unix(), 10)
	m := s.mac(string(b))
	b = append(b, '-')
	b = append(b, m.enc[:]...)
	s.macs.Put(m)
	return string(b)
}

// Verify returns the grant token carries if its MAC is this signer's and it has not expired at now.
// The MAC is compared in constant time. Each field must be canonical decimal (no sign, no leading
// zeros), so every grant has exactly one token.
func (s *Signer) Verify(token string, now time.Time) (Grant, error) {
	if len(token) > maxTokenLen || len(token) < macLen+1 {
		return Grant{}, ErrTokenMalformed
	}
	var fields [4]int64
	rest := token
	for i := range fields {
		j := 0
		for j < len(rest) && rest[j] != '-' {
			j++
		}
		n, ok := parseDecimal(rest[:j])
		if !ok || j == len(rest) {
			return Grant{}, ErrTokenMalformed
		}
		fields[i] = n
		rest = rest[j+1:]
	}
	if len(rest) != macLen {
		return Grant{}, ErrTokenMalformed
	}
	var got [macLen]byte // on the stack, where []byte(rest) would not be
	copy(got[:], rest)
	m := s.mac(token[:len(token)-macLen-1])
	ok := hmac.Equal(m.enc[:], got[:])
	s.macs.Put(m)
	if !ok {
		return Grant{}, ErrTokenSignature
	}
	g := Grant{
		SessionID: int(fields[0]),
		VideoID:   int(fields[1]),
		MaxHeight: int(fields[2]),
		Expires:   time.Unix(fields[3], 0),
	}
	if !now.Before(g.Expires) {
		return Grant{}, ErrTokenExpired
	}
	return g, nil
}

// mac returns a pooled state holding the encoded MAC of payload; the caller puts it back.
func (s *Signer) mac(payload string) *macState {
	m := s.macs.Get().(*macState)
	m.h.Reset()
	m.h.Write(m.in[:copy(m.in[:], payload)])
	m.h.Sum(m.sum[:0])
	base64.RawURLEncoding.Encode(m.enc[:], m.sum[:])
	return m
}

// parseDecimal accepts only what strconv.AppendInt writes for a non-negative number.
func parseDecimal(s string) (int64, bool) {
	if s == "" || len(s) > maxDigits || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
