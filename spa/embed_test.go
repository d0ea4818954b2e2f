package spa

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func serve(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

// embedded reads a file from the build that is actually compiled in: nothing
// but .gitkeep before the first `make build`, a full Vite build after it.
func embedded(t *testing.T, name string) (string, bool) {
	t.Helper()
	data, err := fs.ReadFile(dist, "dist/"+name)
	if err != nil {
		return "", false
	}
	return string(data), true
}

// requirePageOrNotBuilt checks that rec holds the embedded page, or, before the
// first build, the page that says how to build it.
func requirePageOrNotBuilt(t *testing.T, rec *httptest.ResponseRecorder, file string) {
	t.Helper()
	if page, built := embedded(t, file); built {
		require.Equal(t, http.StatusOK, rec.Code)
		require.Equal(t, page, rec.Body.String())
	} else {
		require.Equal(t, http.StatusServiceUnavailable, rec.Code)
		require.Contains(t, rec.Body.String(), "make build")
	}
	require.Contains(t, rec.Header().Get("Content-Type"), "text/html")
	require.Equal(t, "no-cache", rec.Header().Get("Cache-Control"))
}

func TestHandlerFallsBackToIndexForClientRoutes(t *testing.T) {
	requirePageOrNotBuilt(t, serve(t, Handler(nil), http.MethodGet, "/title/123"), indexFile)
}

func TestHandlerRejectsOtherMethods(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		rec := serve(t, Handler(nil), method, "/")
		require.Equal(t, http.StatusMethodNotAllowed, rec.Code, method)
		require.Equal(t, "GET, HEAD", rec.Header().Get("Allow"), method)
	}
}

func TestHandlerDoesNotListAssetsDirectory(t *testing.T) {
	for _, target := range []string{"/assets/", "/assets"} {
		rec := serve(t, Handler(nil), http.MethodGet, target)
		require.Equal(t, http.StatusNotFound, rec.Code, target)
		require.NotContains(t, rec.Body.String(), "<a href", target)
	}
}

func TestHandlerServesPlaygroundOrExplainsItIsMissing(t *testing.T) {
	requirePageOrNotBuilt(t, serve(t, Handler(nil), http.MethodGet, "/playground"), playgroundFile)
}

// The remaining tests use a synthetic build so they exercise a full asset
// tree no matter what is embedded.
func fakeBuild(withPlayground bool) http.Handler {
	files := fstest.MapFS{
		"index.html":             {Data: []byte("<!doctype html><title>app</title>")},
		"assets/main-abc123.js":  {Data: []byte("console.log('app')")},
		"assets/main-abc123.css": {Data: []byte("body{}")},
		"robots.txt":             {Data: []byte("User-agent: *")},
		"docs/readme.txt":        {Data: []byte("nested")},
	}
	if withPlayground {
		files["playground.html"] = &fstest.MapFile{Data: []byte("<!doctype html><title>explorer</title>")}
	}
	return newHandler(files)
}

func TestHandlerCachesHashedAssetsForever(t *testing.T) {
	rec := serve(t, fakeBuild(true), http.MethodGet, "/assets/main-abc123.js")

	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "console.log('app')", rec.Body.String())
	require.Equal(t, "public, max-age=31536000, immutable", rec.Header().Get("Cache-Control"))
	require.Contains(t, rec.Header().Get("Content-Type"), "javascript")

	rec = serve(t, fakeBuild(true), http.MethodGet, "/assets/main-abc123.css")
	require.Contains(t, rec.Header().Get("Content-Type"), "text/css")
}

func TestHandlerRevalidatesUnhashedFiles(t *testing.T) {
	for _, target := range []string{"/", "/index.html", "/robots.txt"} {
		rec := serve(t, fakeBuild(true), http.MethodGet, target)
		require.Equal(t, http.StatusOK, rec.Code, target)
		require.Equal(t, "no-cache", rec.Header().Get("Cache-Control"), target)
	}
}

func TestHandlerReturnsNotFoundForMissingAsset(t *testing.T) {
	// Serving index.html here would give a stale page HTML where it expects
	// JavaScript.
	rec := serve(t, fakeBuild(true), http.MethodGet, "/assets/main-old999.js")
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.NotContains(t, rec.Body.String(), "<title>app</title>")
}

func TestHandlerTreatsOtherDirectoriesAsClientRoutes(t *testing.T) {
	rec := serve(t, fakeBuild(true), http.MethodGet, "/docs/")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "<!doctype html><title>app</title>", rec.Body.String())
}

func TestHandlerPlayground(t *testing.T) {
	rec := serve(t, fakeBuild(true), http.MethodGet, "/playground")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "<!doctype html><title>explorer</title>", rec.Body.String())

	rec = serve(t, fakeBuild(false), http.MethodGet, "/playground")
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.Contains(t, rec.Body.String(), "make build")
	require.Contains(t, rec.Header().Get("Content-Type"), "text/html")

	rec = serve(t, fakeBuild(false), http.MethodHead, "/playground")
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.Empty(t, rec.Body.String())
}

func TestHandlerHeadSendsNoBody(t *testing.T) {
	rec := serve(t, fakeBuild(true), http.MethodHead, "/title/123")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Empty(t, rec.Body.String())
	require.NotEmpty(t, rec.Header().Get("Content-Length"))
}

func TestHandlerStaysInsideTheBuild(t *testing.T) {
	rec := serve(t, fakeBuild(true), http.MethodGet, "/../../assets/../robots.txt")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "User-agent: *", rec.Body.String())

	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.URL.Path = "/../../../etc/passwd"
	rec = httptest.NewRecorder()
	fakeBuild(true).ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code)
	require.True(t, strings.HasPrefix(rec.Body.String(), "<!doctype html>"))
}

func TestHandlerReturnsNotFoundForMissingFiles(t *testing.T) {
	for _, target := range []string{"/favicon.ico", "/sitemap.xml", "/title/7/poster.jpg"} {
		rec := serve(t, fakeBuild(true), http.MethodGet, target)
		require.Equal(t, http.StatusNotFound, rec.Code, target)
		require.NotContains(t, rec.Body.String(), "<title>app</title>", target)
	}
	// A client route is not a file.
	require.Equal(t, http.StatusOK, serve(t, fakeBuild(true), http.MethodGet, "/title/7").Code)
}

// The build carries the icons and the web app manifest the page links to.
func TestBuildHasIconsAndManifest(t *testing.T) {
	page, built := embedded(t, indexFile)
	if !built {
		t.Skip("the web app is not built into this binary")
	}
	for _, name := range []string{"favicon.ico", "favicon.svg", "manifest.webmanifest", "icon-192.png", "icon-512.png"} {
		_, ok := embedded(t, name)
		require.True(t, ok, name)
	}
	for _, link := range []string{`href="/favicon.ico"`, `href="/favicon.svg"`, `href="/manifest.webmanifest"`} {
		require.Contains(t, page, link)
	}
	rec := serve(t, Handler(nil), http.MethodGet, "/favicon.ico")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "image/vnd.microsoft.icon", rec.Header().Get("Content-Type"))
}

func TestHandlerWritesLinkPreviews(t *testing.T) {
	h := newHandler(fstest.MapFS{
		"index.html": {Data: []byte(`<!doctype html><html><head><title>Marquee</title><meta name="description" content="Films." /></head><body></body></html>`)},
	})
	h.preview = func(r *http.Request) (Preview, bool) {
		if r.URL.Path != "/title/7" {
			return Preview{}, false
		}
		return Preview{Title: `Tom & "Jerry"`, Description: "Chase <b>on</b>.", Image: "https://tv.example/art/7.jpg",
			URL: "https://tv.example/title/7", Type: "video.movie"}, true
	}
	rec := serve(t, h, http.MethodGet, "/title/7")
	require.Equal(t, http.StatusOK, rec.Code)
	body := rec.Body.String()
	require.Contains(t, body, `<title>Tom &amp; &#34;Jerry&#34; — Marquee</title>`)
	require.Equal(t, 1, strings.Count(body, "<title>"), body)
	require.Contains(t, body, `<meta property="og:title" content="Tom &amp; &#34;Jerry&#34;" />`)
	require.Contains(t, body, `<meta property="og:description" content="Chase &lt;b&gt;on&lt;/b&gt;." />`)
	require.Contains(t, body, `<meta name="description" content="Chase &lt;b&gt;on&lt;/b&gt;." />`)
	require.NotContains(t, body, `content="Films."`)
	require.Contains(t, body, `<meta property="og:image" content="https://tv.example/art/7.jpg" />`)
	require.Contains(t, body, `<meta property="og:type" content="video.movie" />`)
	require.Contains(t, body, `<meta name="twitter:card" content="summary_large_image" />`)
	require.Equal(t, "no-cache", rec.Header().Get("Cache-Control"))

	other := serve(t, h, http.MethodGet, "/search").Body.String()
	require.NotContains(t, other, "og:title")
}
