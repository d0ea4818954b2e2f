package media

// Content keys: every video's segments are encrypted (HLS METHOD=AES-128) so that the files can be
// served to anyone, by anything, from one URL per file, while the keys go only to live sessions.

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
)

// KeysVariable is the playlist variable that carries a session's key URL prefix: each encrypted
// media playlist imports it (#EXT-X-DEFINE:IMPORT) and names its keys "{$marquee_keys}/<rendition>/<period>.key";
// the master marquee serves to a session defines it. The media playlists stay the same for every
// viewer, and only the key requests carry the session.
const KeysVariable = "marquee_keys"

// EncryptedMarker is the file an encrypted video's folder holds beside its master playlist. Its
// presence is what lets the public route (and a server in front) hand out the folder's files
// without a token; it holds no secret.
const EncryptedMarker = "encryption.json"

// KeyURI is how a media playlist names the key of one rendition's key period.
func KeyURI(rendition string, period int) string {
	return "{$" + KeysVariable + "}/" + rendition + "/" + strconv.Itoa(period) + ".key"
}

// SeedLen is the size of a video's key seed, from which each rendition's period keys are derived.
const SeedLen = 32

const (
	sealDomain = "marquee/key-seal/v1"
	keyDomain  = "marquee/hls-key/v1"
)

// ErrSealed is returned when a sealed seed does not open: the wrong server secret, another video's
// seed, or damaged bytes.
var ErrSealed = errors.New("media: sealed key does not open with this server's secret")

// Keyring seals video key seeds with the server secret for storage in the database, and derives
// the AES-128 content keys from them. A seed is 32 random bytes per video; the key of rendition r's
// period p is the first 16 bytes of HMAC-SHA256(seed, domain|r|p), so one stored value covers any
// number of renditions and periods, and a key handed out for one rung or period opens no other.
type Keyring struct {
	aead cipher.AEAD
}

// NewKeyring returns a keyring whose sealing key is derived from secret (see MinSecretLen).
func NewKeyring(secret []byte) (*Keyring, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("media: key secret must be at least %d bytes, got %d", MinSecretLen, len(secret))
	}
	kdf := hmac.New(sha256.New, secret)
	kdf.Write([]byte(sealDomain))
	block, err := aes.NewCipher(kdf.Sum(nil))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keyring{aead: aead}, nil
}

// NewSeed returns a fresh seed for videoID and its sealed form, the one to store.
func (k *Keyring) NewSeed(videoID int) (seed, sealed []byte, err error) {
	seed = make([]byte, SeedLen)
	if _, err := rand.Read(seed); err != nil {
		return nil, nil, err
	}
	return seed, k.Seal(videoID, seed), nil
}

// Seal encrypts seed for videoID (AES-256-GCM, the video id as associated data, so a sealed seed
// copied onto another video's row does not open there).
func (k *Keyring) Seal(videoID int, seed []byte) []byte {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(seed)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return k.aead.Seal(nonce, nonce, seed, sealAD(videoID))
}

// Open returns the seed sealed for videoID.
func (k *Keyring) Open(videoID int, sealed []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n+k.aead.Overhead() {
		return nil, ErrSealed
	}
	seed, err := k.aead.Open(nil, sealed[:n], sealed[n:], sealAD(videoID))
	if err != nil || len(seed) != SeedLen {
		return nil, ErrSealed
	}
	return seed, nil
}

func sealAD(videoID int) []byte { return strconv.AppendInt([]byte("video:"), int64(videoID), 10) }

// ContentKey is the AES-128 key of rendition's key period under seed.
func ContentKey(seed []byte, rendition string, period int) [16]byte {
	m := hmac.New(sha256.New, seed)
	m.Write([]byte(keyDomain))
	m.Write([]byte{0})
	m.Write([]byte(rendition))
	m.Write([]byte{0})
	m.Write(strconv.AppendInt(nil, int64(period), 10))
	var key [16]byte
	copy(key[:], m.Sum(nil))
	return key
}
