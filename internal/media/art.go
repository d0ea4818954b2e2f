package media

import (
	"crypto/hmac"
	"net/http"
	"strings"
)

// Artwork (posters) is catalog imagery, shown to anyone browsing, so its URLs carry no
// session and never expire. They are still only reachable through URLs the API hands
// out: each names a file by its store key and carries a MAC of that key, so nothing
// else in the store (playlists, segments, sources) can be fetched this way.
//
//	/art/<base64url HMAC-SHA256 of "art:" + key>/<key>
const artPrefix = "/art/"

// maxArtKey keeps "art:"+key within the MAC's input buffer.
const maxArtKey = maxTokenLen - len("art:")

// ArtURL returns the path that serves the image at key, or "" for a key too long to sign.
func (s *Signer) ArtURL(key string) string {
	if len(key) > maxArtKey {
		return ""
	}
	m := s.mac("art:" + key)
	tag := string(m.enc[:])
	s.macs.Put(m)
	return artPrefix + tag + "/" + key
}

// NewArtHandler serves artwork signed by ArtURL.
func NewArtHandler(store Store, signer *Signer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Access-Control-Allow-Origin", "*")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			hdr.Set("Allow", "GET, HEAD")
			fail(w, http.StatusMethodNotAllowed)
			return
		}
		tag, key, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, artPrefix), "/")
		if !ok || r.URL.RawPath != "" || !validRest(key) || !strings.HasSuffix(key, ".jpg") || len(tag) != macLen || len(key) > maxArtKey {
			fail(w, http.StatusNotFound)
			return
		}
		m := signer.mac("art:" + key)
		good := hmac.Equal(m.enc[:], []byte(tag))
		signer.macs.Put(m)
		if !good {
			fail(w, http.StatusForbidden)
			return
		}
		h := &Handler{store: store}
		obj, status := h.open(r, key)
		if obj == nil {
			fail(w, status)
			return
		}
		defer obj.Close()
		hdr.Set("Content-Type", "image/jpeg")
		// A video's poster never changes under its key (a new upload is a new video).
		hdr.Set("Cache-Control", cacheImmutable)
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Etag", etag(obj, -1))
		http.ServeContent(w, r, "", obj.ModTime(), obj)
	})
}
