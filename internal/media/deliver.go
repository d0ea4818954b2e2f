package media

// Delivery of encrypted videos: the folder's playlists and segments are public (the same URL for
// every viewer, cacheable by anything in front), the master and the keys are per session.

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Delivery configures how the handler delivers encrypted videos.
type Delivery struct {
	Keyring *Keyring
	// Seeds returns a video's sealed key seed from the database; an error matching fs.ErrNotExist
	// when it has none. It is asked once per video and replica: seeds are kept in memory.
	Seeds func(ctx context.Context, videoID int) ([]byte, error)
	// PublicURL is where the media store's root is served to browsers without a token: "/media"
	// (this server's public route, or a server in front on the same origin), or an absolute URL
	// (a CDN). An encrypted video's master points its variants there.
	PublicURL string
	// KeysURL is this server's own base URL, for key URLs when PublicURL is on another origin
	// (relative key URLs would resolve against the CDN); "" derives it from each request.
	KeysURL string
	// KeyRate and KeyBurst bound each session's key requests (per second, and at once).
	KeyRate  float64
	KeyBurst float64
}

// Defaults for a Delivery's key rate: a player asks one key per rendition it plays per key period, a
// few more around seeks and switches.
const (
	DefaultKeyRate  = 10
	DefaultKeyBurst = 40
)

// publicPrefix is the part of the public route's path after /media/: the store key of the videos'
// folders, so that a server in front can map /media/videos/ onto the store's videos/ directory.
const publicPrefix = "videos/"

// encryptedRecheck is how long the handler trusts that a video is not encrypted before looking again
// (marquee media encrypt runs in another process).
const encryptedRecheck = 30 * time.Second

type deliverState struct {
	d       Delivery
	limiter *keyLimiter

	mu    sync.Mutex
	seeds map[int][]byte
	// encrypted maps a video id to the zero time when its folder is encrypted (for good), else
	// to when it was last seen in the clear. A sync.Map: read on every public request by every
	// core, written once per video.
	encrypted sync.Map
	known     atomic.Int64 // entries in encrypted, to bound it
}

// maxCached bounds each in-memory map; past it, the map starts afresh (a miss costs one lookup).
const maxCached = 100_000

// Deliver turns on delivery of encrypted videos: the public route /media/videos/<id>/… for their
// folders, and, through Keys, the key route. Videos not encrypted are served as before, through the
// token route only.
func (h *Handler) Deliver(d Delivery) *Handler {
	if d.PublicURL == "" {
		d.PublicURL = strings.TrimSuffix(mediaPrefix, "/")
	}
	d.PublicURL = strings.TrimRight(d.PublicURL, "/")
	d.KeysURL = strings.TrimRight(d.KeysURL, "/")
	if d.KeyRate <= 0 {
		d.KeyRate = DefaultKeyRate
	}
	if d.KeyBurst <= 0 {
		d.KeyBurst = DefaultKeyBurst
	}
	h.deliver = &deliverState{d: d, limiter: newKeyLimiter(d.KeyRate, d.KeyBurst), seeds: map[int][]byte{}}
	return h
}

// isEncrypted reports whether the video folder dir (of video id) holds encrypted media, from memory
// after the first look.
func (h *Handler) isEncrypted(r *http.Request, id int, dir string) bool {
	ds := h.deliver
	if ds == nil {
		return false
	}
	now := h.now()
	if v, known := ds.encrypted.Load(id); known {
		if at := v.(time.Time); at.IsZero() || now.Sub(at) < encryptedRecheck {
			return at.IsZero()
		}
	}
	obj, err := h.store.Open(r.Context(), dir+"/"+EncryptedMarker)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false // unknown: not public, and asked again next time
	}
	yes := err == nil
	if yes {
		obj.Close()
	}
	if ds.known.Add(1) > maxCached {
		ds.encrypted.Clear()
		ds.known.Store(1)
	}
	if yes {
		ds.encrypted.Store(id, time.Time{})
	} else {
		ds.encrypted.Store(id, now)
	}
	return yes
}

// servePublic serves /media/videos/<id>/<rest> for an encrypted video: everything but its master,
// the same bytes to everyone, cacheable for good.
func (h *Handler) servePublic(w http.ResponseWriter, r *http.Request, path string) {
	idText, rest, ok := strings.Cut(path, "/")
	id, okID := parseDecimal(idText)
	if !ok || !okID || r.URL.RawPath != "" || r.URL.Opaque != "" || !validRest(rest) || rest == masterName {
		fail(w, http.StatusNotFound)
		return
	}
	kind, ok := kindOf(rest)
	dir := h.videoDir(int(id))
	if !ok || !h.isEncrypted(r, int(id), dir) {
		fail(w, http.StatusNotFound)
		return
	}
	h.serveFile(w, r, dir, rest, fileKind{contentType: kind.contentType, cache: cacheImmutable})
}

// deliverMaster rewrites an encrypted video's (already filtered) master for one session: every URI
// points into the public folder, and the key variable the media playlists import is defined as this
// session's key URL prefix.
func (h *Handler) deliverMaster(r *http.Request, master []byte, videoID int, token string) []byte {
	d := h.deliver.d
	base := d.PublicURL + "/" + h.videoDir(videoID) + "/"
	keys := "/keys/" + token
	if !strings.HasPrefix(d.PublicURL, "/") {
		keys = h.ownBase(r) + keys
	}
	out := make([]byte, 0, len(master)+len(master)/4+256)
	for at := 0; at < len(master); {
		end := lineEnd(master, at)
		line := bytes.TrimSpace(master[at:end])
		at = end
		switch {
		case len(line) == 0:
			continue
		case bytes.HasPrefix(line, []byte("#EXT-X-VERSION:")):
			v, _ := strconv.Atoi(string(line[len("#EXT-X-VERSION:"):]))
			out = strconv.AppendInt(append(out, "#EXT-X-VERSION:"...), int64(max(v, 8)), 10)
			out = append(out, '\n')
			out = append(out, `#EXT-X-DEFINE:NAME="`+KeysVariable+`",VALUE="`+keys+"\"\n"...)
			continue
		case line[0] != '#':
			out = appendURI(out, base, line)
		default:
			out = appendWithURIAttr(out, base, line)
		}
		out = append(out, '\n')
	}
	return out
}

// ownBase is this server's base URL as browsers reach it.
func (h *Handler) ownBase(r *http.Request) string {
	if h.deliver.d.KeysURL != "" {
		return h.deliver.d.KeysURL
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// appendURI appends uri, resolved against base when it is relative.
func appendURI(out []byte, base string, uri []byte) []byte {
	if bytes.HasPrefix(uri, []byte("/")) || bytes.Contains(uri, []byte("://")) {
		return append(out, uri...)
	}
	return append(append(out, base...), uri...)
}

// appendWithURIAttr appends a tag line with its URI="…" attribute, if any, resolved against base.
func appendWithURIAttr(out []byte, base string, line []byte) []byte {
	i := bytes.Index(line, []byte(`URI="`))
	if i < 0 || (i > 0 && line[i-1] != ',' && line[i-1] != ':') {
		return append(out, line...)
	}
	i += len(`URI="`)
	j := bytes.IndexByte(line[i:], '"')
	if j < 0 {
		return append(out, line...)
	}
	out = append(out, line[:i]...)
	out = appendURI(out, base, line[i:i+j])
	return append(out, line[i+j:]...)
}

// Keys serves /keys/<token>/<rendition>/<period>.key: the AES-128 key of one rendition's key period,
// to a live session of the token's video whose plan includes the rendition. Every check is in memory
// (the token's MAC, the active-session set, a per-session rate); only the first key of a video on
// this replica reads the database, for its sealed seed.
func (h *Handler) Keys() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !readOnly(w, r) {
			return
		}
		hdr := w.Header()
		ds := h.deliver
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/keys/"), "/")
		if ds == nil || len(parts) != 3 || r.URL.RawPath != "" {
			fail(w, http.StatusNotFound)
			return
		}
		g, err := h.signer.Verify(parts[0], h.now())
		if err != nil || !h.sessions.Active(g.SessionID) {
			fail(w, http.StatusForbidden)
			return
		}
		if !ds.limiter.allow(g.SessionID, h.now()) {
			hdr.Set("Retry-After", "1")
			fail(w, http.StatusTooManyRequests)
			return
		}
		rendition := parts[1]
		periodText, ok := strings.CutSuffix(parts[2], ".key")
		period, okPeriod := parseDecimal(periodText)
		if !ok || !okPeriod || period > 1<<31 || !validRest(rendition) || strings.Contains(rendition, ".") {
			fail(w, http.StatusNotFound)
			return
		}
		dir := h.videoDir(g.VideoID)
		if rung, ok := parseRungName(rendition); ok && h.abovePlan(r, dir, rung, g.MaxHeight) {
			fail(w, http.StatusForbidden)
			return
		}
		seed, err := h.seed(r.Context(), g.VideoID)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			fail(w, http.StatusNotFound)
			return
		case err != nil:
			fail(w, http.StatusInternalServerError)
			return
		}
		key := ContentKey(seed, rendition, int(period))
		hdr.Set("Content-Type", "application/octet-stream")
		hdr.Set("Cache-Control", "no-store")
		hdr.Set("Content-Length", "16")
		if r.Method == http.MethodGet {
			_, _ = w.Write(key[:])
		}
	})
}

// seed returns video id's key seed, from memory after the first time.
func (h *Handler) seed(ctx context.Context, id int) ([]byte, error) {
	ds := h.deliver
	ds.mu.Lock()
	seed, ok := ds.seeds[id]
	ds.mu.Unlock()
	if ok {
		return seed, nil
	}
	sealed, err := ds.d.Seeds(ctx, id)
	if err != nil {
		return nil, err
	}
	if seed, err = ds.d.Keyring.Open(id, sealed); err != nil {
		return nil, err
	}
	ds.mu.Lock()
	if len(ds.seeds) >= maxCached {
		clear(ds.seeds)
	}
	ds.seeds[id] = seed
	ds.mu.Unlock()
	return seed, nil
}

// keyLimiter is a token bucket per playback session.
type keyLimiter struct {
	rate, burst float64
	mu          sync.Mutex
	buckets     map[int]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newKeyLimiter(rate, burst float64) *keyLimiter {
	return &keyLimiter{rate: rate, burst: burst, buckets: map[int]*bucket{}}
}

func (l *keyLimiter) allow(session int, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[session]
	if !ok {
		if len(l.buckets) >= maxCached {
			// Full buckets are the same as no bucket: forget them.
			for id, b := range l.buckets {
				if now.Sub(b.at).Seconds()*l.rate+b.tokens >= l.burst {
					delete(l.buckets, id)
				}
			}
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[session] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
