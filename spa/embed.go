// Package spa serves the built single-page web app (viewer app and GraphQL
// explorer) from files embedded at compile time.
package spa

import (
	"bytes"
	"embed"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// dist holds the Vite build output. Only dist/.gitkeep is committed, so the
// binary builds without Node and then answers with appNotBuilt until
// `make build` has produced the real app.
//
//go:embed all:dist
var dist embed.FS

const (
	indexFile      = "index.html"
	playgroundFile = "playground.html"
	assetsDir      = "assets/"

	// Vite puts a content hash in every file name under assets/, so a given
	// URL never changes content and may be cached for as long as browsers allow.
	immutableCache = "public, max-age=31536000, immutable"
	// Everything else keeps a stable name across releases and must be
	// revalidated, or browsers keep loading an old index.html that points at
	// hashed assets which no longer exist.
	revalidateCache = "no-cache"
)

const appNotBuilt = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Marquee</title></head>
<body>
<h1>Marquee</h1>
<p>The web app is not built into this server. Run <code>make build</code> and restart it.</p>
</body>
</html>
`

const explorerNotBuilt = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GraphQL explorer unavailable</title></head>
<body>
<h1>GraphQL explorer unavailable</h1>
<p>The explorer assets are not built into this server. Run <code>make build</code> and restart it.</p>
</body>
</html>
`

// Handler serves the embedded web app. Unknown paths get index.html so the
// client-side router can handle deep links such as /title/123; preview, when
// given, describes such routes to link previews.
func Handler(preview Previewer) http.Handler {
	files, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub only fails for an invalid directory name, and "dist" is a
		// constant; reaching this is a programming error.
		panic(err)
	}
	h := newHandler(files)
	h.preview = preview
	return h
}

type handler struct {
	files   fs.FS
	preview Previewer
}

func newHandler(files fs.FS) *handler {
	return &handler{files: files}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}

	// Cleaning a rooted path resolves every ".." against the root, so the
	// result can never name anything outside the embedded tree.
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")

	if name == "playground" {
		if h.serveFile(w, r, playgroundFile) {
			return
		}
		writeHTML(w, r, http.StatusServiceUnavailable, explorerNotBuilt)
		return
	}

	if name != "" && h.serveFile(w, r, name) {
		return
	}

	// A missing hashed asset usually means a page from an older release is
	// still open. Answering with index.html would hand HTML to a <script> or
	// stylesheet request, which fails far less clearly than a 404. The same
	// holds for any missing file (a name with an extension, such as
	// /favicon.ico or /robots.txt): client routes never have one.
	if name+"/" == assetsDir || strings.HasPrefix(name, assetsDir) || path.Ext(name) != "" {
		http.NotFound(w, r)
		return
	}

	if h.preview != nil {
		if p, ok := h.preview(r); ok {
			if page, err := fs.ReadFile(h.files, indexFile); err == nil {
				writeHTML(w, r, http.StatusOK, string(withPreview(page, p)))
				return
			}
		}
	}
	if !h.serveFile(w, r, indexFile) {
		writeHTML(w, r, http.StatusServiceUnavailable, appNotBuilt)
	}
}

// serveFile writes the named regular file and reports whether it existed.
// Directories count as missing, which is what keeps them from being listed.
func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, name string) bool {
	f, err := h.files.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()

	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return false
	}

	content, ok := f.(io.ReadSeeker)
	if !ok {
		// embed.FS files are seekable; this only guards other fs.FS
		// implementations so ranges and HEAD still work.
		data, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return true
		}
		content = bytes.NewReader(data)
	}

	if strings.HasPrefix(name, assetsDir) {
		w.Header().Set("Cache-Control", immutableCache)
	} else {
		w.Header().Set("Cache-Control", revalidateCache)
	}
	// ServeContent derives Content-Type from the extension and handles HEAD,
	// ranges and conditional requests; embedded files carry no modification
	// time, so it sends no Last-Modified.
	http.ServeContent(w, r, name, info.ModTime(), content)
	return true
}

func writeHTML(w http.ResponseWriter, r *http.Request, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", revalidateCache)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, body)
	}
}
