package media

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Sessions says whether a playback session may still fetch media. It is answered from memory
// (a revocation set fed by events), never with a database round trip per segment.
type Sessions interface {
	Active(sessionID int) bool
}

// mediaPrefix is where the server mounts the handler; the handler sees it still in the path.
const mediaPrefix = "/media/"

// maxMasterSize bounds what the handler reads into memory to filter a master playlist. A real
// one is a few hundred bytes per rung.
const maxMasterSize = 1 << 20

const masterName = "master.m3u8"

// Cache policies. Segments, init segments and sprites never change under a given name, so a
// browser or CDN may keep them for good; they are public because the token in their URL is the
// only credential, which also means a CDN in front keeps serving a cached object to whoever holds
// that URL after the session ends (the origin's revocation check only covers misses). Playlists
// and the thumbnails VTT are short and private: the master is filtered per plan, and a short
// lifetime keeps players re-asking the origin, where revocation is checked.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheShort     = "private, max-age=5"
)

// fileKind is what the handler knows about a file type. Only these extensions are served at
// all, so whatever else ends up in a video directory (logs, progress files, a stray source) stays
// private.
type fileKind struct {
	contentType string
	cache       string
}

func kindOf(name string) (fileKind, bool) {
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		return fileKind{}, false
	}
	switch name[dot:] {
	case ".m3u8":
		return fileKind{"application/vnd.apple.mpegurl", cacheShort}, true
	case ".vtt":
		return fileKind{"text/vtt", cacheShort}, true
	case ".m4s":
		return fileKind{"video/iso.segment", cacheImmutable}, true
	case ".mp4":
		return fileKind{"video/mp4", cacheImmutable}, true
	case ".jpg":
		return fileKind{"image/jpeg", cacheImmutable}, true
	}
	return fileKind{}, false
}

// Handler serves media: the token route, and with Deliver the public route and the keys.
type Handler struct {
	store    Store
	signer   *Signer
	sessions Sessions
	videoDir func(videoID int) string
	now      func() time.Time
	deliver  *deliverState // nil until Deliver
}

// NewHandler serves a video's HLS files at /media/<token>/<path inside the video directory>.
// The token is in the path rather than a query or a header so that every relative URI in the
// playlists (rungs, init segments, segments, thumbnails) carries it without help from the player:
// hls.js and Safari's native player resolve them against the playlist's URL.
//
// videoDir maps the token's video to its store key (e.g. "videos/42"); a token reaches nothing
// else. now is the clock tokens are checked against.
func NewHandler(store Store, signer *Signer, sessions Sessions, videoDir func(videoID int) string, now func() time.Time) *Handler {
	return &Handler{store: store, signer: signer, sessions: sessions, videoDir: videoDir, now: now}
}

// readOnly sets the headers every media and key answer carries and refuses methods other than
// GET and HEAD; false when it has answered.
func readOnly(w http.ResponseWriter, r *http.Request) bool {
	hdr := w.Header()
	// The token is in the URL, so the URL must not leak to whatever a page links to.
	hdr.Set("Referrer-Policy", "no-referrer")
	// Any origin may read media (players embedded elsewhere, a CDN's domain): the token is the
	// credential, not cookies, so there is nothing a foreign page could borrow. It is set on
	// errors too, so a player sees a 403 as a 403 rather than an opaque network failure.
	hdr.Set("Access-Control-Allow-Origin", "*")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		fail(w, http.StatusMethodNotAllowed)
		return false
	}
	return true
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !readOnly(w, r) {
		return
	}
	token, rest, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, mediaPrefix), "/")
	if !ok || !strings.HasPrefix(r.URL.Path, mediaPrefix) {
		fail(w, http.StatusNotFound)
		return
	}
	if token+"/" == publicPrefix && h.deliver != nil {
		h.servePublic(w, r, rest)
		return
	}
	g, err := h.signer.Verify(token, h.now())
	if err != nil || !h.sessions.Active(g.SessionID) {
		fail(w, http.StatusForbidden)
		return
	}
	// Anything percent-encoded is refused outright: no file the store writes needs escaping, and
	// decoding is how "%2e%2e%2f" and "%2F" turn into traversal. RawPath is set whenever the request
	// wrote its path differently from Go's own encoding of Path, which for the plain names validRest
	// allows means any escape at all.
	if r.URL.RawPath != "" || r.URL.Opaque != "" || !validRest(rest) {
		fail(w, http.StatusNotFound)
		return
	}
	kind, ok := kindOf(rest)
	if !ok {
		fail(w, http.StatusNotFound)
		return
	}
	dir := h.videoDir(g.VideoID)
	if rung, ok := rungHeight(rest); ok && h.abovePlan(r, dir, rung, g.MaxHeight) {
		fail(w, http.StatusNotFound)
		return
	}
	if rest == masterName {
		h.serveMaster(w, r, dir, g, token)
		return
	}
	h.serveFile(w, r, dir, rest, kind)
}

// serveFile serves the file rest of the video folder dir, its checks passed.
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, dir, rest string, kind fileKind) {
	hdr := w.Header()
	if rd, ok := h.store.(Redirector); ok && kind.cache == cacheImmutable {
		// Files that never change may be fetched straight from the store. The token and plan
		// checks above still ran: the URL is short-lived and names this one object.
		loc, err := rd.RedirectURL(r.Context(), dir+"/"+rest, kind.contentType, kind.cache)
		if err != nil {
			fail(w, http.StatusInternalServerError)
			return
		}
		if loc != "" {
			hdr.Set("Cache-Control", "no-store")
			http.Redirect(w, r, loc, http.StatusFound)
			return
		}
	}
	obj, status := h.open(r, dir+"/"+rest)
	if obj == nil {
		fail(w, status)
		return
	}
	defer obj.Close()

	hdr.Set("Content-Type", kind.contentType)
	hdr.Set("Cache-Control", kind.cache)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Etag", etag(obj, -1))
	// ServeContent handles Range, If-Range, If-None-Match and HEAD. A local file lets the server
	// send the body with sendfile, whole or a range of it; an object store's is read as a ranged
	// download started at the first byte ServeContent asks for.
	http.ServeContent(w, r, "", obj.ModTime(), obj)
}

// open opens a file of the store; on failure it returns the status to answer with.
func (h *Handler) open(r *http.Request, key string) (Object, int) {
	obj, err := h.store.Open(r.Context(), key)
	switch {
	case err == nil:
		return obj, 0
	case errors.Is(err, fs.ErrNotExist):
		return nil, http.StatusNotFound
	default:
		return nil, http.StatusInternalServerError
	}
}

// openFile opens a file to serve. On Linux it asks for O_NONBLOCK, as nginx does: os.Open would
// switch the descriptor to non-blocking, try to add it to the network poller (which refuses regular
// files) and switch it back, four fcntl calls per segment that the bench can see. O_NONBLOCK changes
// nothing for reading or sendfile-ing a regular file, and a FIFO in the store can no longer hang the
// request in open: it is refused as not regular right after.
func openFile(name string) (*os.File, error) {
	flag := os.O_RDONLY
	if runtime.GOOS == "linux" {
		flag |= syscall.O_NONBLOCK
	}
	return os.OpenFile(name, flag, 0)
}

// sizedFile hands an open file to http.ServeContent without the two lseek calls ServeContent
// makes to learn its size (to the end and back): the handler's fstat already knows it. The
// descriptor's offset is moved only when a read needs it. The net package sends the body with
// sendfile for any syscall.Conn under ServeContent's io.LimitedReader, so SyscallConn keeps that
// path; after it the offset is unknown, as sendfile moves it. Nothing else of *os.File is exposed,
// so nothing else can move the offset unseen.
type sizedFile struct {
	f      *os.File
	size   int64
	mod    time.Time
	pos    int64 // the offset ServeContent asked for
	offset int64 // the descriptor's offset; -1 when unknown
}

var (
	errWhence = errors.New("media: seek: invalid whence")
	errOffset = errors.New("media: seek: negative position")
)

func (s *sizedFile) Seek(offset int64, whence int) (int64, error) {
	pos, err := seekTo(s.pos, s.size, offset, whence)
	if err == nil {
		s.pos = pos
	}
	return pos, err
}

// seekTo is the position a Seek from pos lands on in content of size bytes.
func seekTo(pos, size, offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += pos
	case io.SeekEnd:
		offset += size
	default:
		return 0, errWhence
	}
	if offset < 0 {
		return 0, errOffset
	}
	return offset, nil
}

func (s *sizedFile) Size() int64        { return s.size }
func (s *sizedFile) ModTime() time.Time { return s.mod }
func (s *sizedFile) Close() error       { return s.f.Close() }

func (s *sizedFile) Read(p []byte) (int, error) {
	if err := s.sync(); err != nil {
		return 0, err
	}
	n, err := s.f.Read(p)
	s.pos += int64(n)
	s.offset = s.pos
	return n, err
}

func (s *sizedFile) SyscallConn() (syscall.RawConn, error) {
	if err := s.sync(); err != nil {
		return nil, err
	}
	s.offset = -1
	return s.f.SyscallConn()
}

func (s *sizedFile) sync() error {
	if s.offset == s.pos {
		return nil
	}
	if _, err := s.f.Seek(s.pos, io.SeekStart); err != nil {
		s.offset = -1
		return err
	}
	s.offset = s.pos
	return nil
}

// serveMaster serves the master playlist without the variants above the grant's height, and for an
// encrypted video pointing into the public folder with the session's key URLs.
func (h *Handler) serveMaster(w http.ResponseWriter, r *http.Request, dir string, g Grant, token string) {
	obj, status := h.open(r, dir+"/"+masterName)
	if obj == nil {
		fail(w, status)
		return
	}
	defer obj.Close()
	master, err := io.ReadAll(io.LimitReader(obj, maxMasterSize+1))
	if err != nil || len(master) > maxMasterSize {
		fail(w, http.StatusInternalServerError)
		return
	}
	body, _ := filterMaster(master, g.MaxHeight)
	if h.isEncrypted(r, g.VideoID, dir) {
		body = h.deliverMaster(r, body, g.VideoID, token)
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/vnd.apple.mpegurl")
	hdr.Set("Cache-Control", cacheShort)
	hdr.Set("X-Content-Type-Options", "nosniff")
	// The body depends on the plan's limit as well as the file, and so does the validator: a
	// viewer who upgrades must not be told their cached, smaller master is still current.
	variant := -1
	if g.MaxHeight > 0 {
		variant = g.MaxHeight
	}
	hdr.Set("Etag", etag(obj, variant))
	http.ServeContent(w, r, "", obj.ModTime(), bytes.NewReader(body))
}

// abovePlan reports whether rung is beyond a plan limited to maxHeight (0: no limit): taller, and
// not the one variant the filtered master keeps because nothing else fits. Only requests over
// the limit pay for reading the master.
func (h *Handler) abovePlan(r *http.Request, dir string, rung, maxHeight int) bool {
	if maxHeight <= 0 || rung <= maxHeight {
		return false
	}
	obj, _ := h.open(r, dir+"/"+masterName)
	if obj == nil {
		return true
	}
	defer obj.Close()
	master, err := io.ReadAll(io.LimitReader(obj, maxMasterSize+1))
	if err != nil || len(master) > maxMasterSize {
		return true
	}
	_, fallback := filterMaster(master, maxHeight)
	return fallback != rung
}

// validRest reports whether rest is a relative path of plain names, the same shape the store
// accepts: no empty, "." or ".." segments, nothing hidden, no backslashes, nothing that needs
// escaping. Checked here as well as in the store so that the handler's promise does not depend on
// which Store it is given.
func validRest(rest string) bool {
	if rest == "" || strings.Contains(rest, "..") {
		return false
	}
	start := true
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case c == '/':
			if start {
				return false // empty segment, or a leading slash
			}
			start = true
			continue
		case c == '.':
			if start {
				return false // ".", "..", hidden names
			}
		case c == '-' || c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		default:
			return false
		}
		start = false
	}
	return !start // no trailing slash
}

// rungHeight returns N when rest is inside a rung folder "<N>p/".
func rungHeight(rest string) (int, bool) {
	folder, _, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, false
	}
	return parseRungName(folder)
}

func parseRungName(name string) (int, bool) {
	digits, ok := strings.CutSuffix(name, "p")
	if !ok {
		return 0, false
	}
	n, ok := parseDecimal(digits)
	return int(n), ok
}

// etag is a validator from size and modification time, which change whenever the store replaces a
// file; it costs nothing beyond the stat ServeContent needs anyway. variant tells apart bodies
// derived from the same file.
func etag(obj Object, variant int) string {
	var b [64]byte
	e := append(b[:0], '"')
	e = strconv.AppendInt(e, obj.Size(), 36)
	e = append(e, '-')
	e = strconv.AppendInt(e, obj.ModTime().UnixNano(), 36)
	if variant >= 0 {
		e = append(e, "-h"...)
		e = strconv.AppendInt(e, int64(variant), 10)
	}
	e = append(e, '"')
	return string(e)
}

// fail answers with a bare status line: no detail about which check failed, and nothing cached.
func fail(w http.ResponseWriter, code int) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, http.StatusText(code), code)
}
