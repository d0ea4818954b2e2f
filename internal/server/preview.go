package server

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/spa"
)

// titlePreviews describes /title/{id} to link previews: the title as an anonymous visitor
// sees it (a title they may not see has no preview), with absolute URLs built from
// --public-url, else from the request.
func titlePreviews(d *app.Services) spa.Previewer {
	return func(r *http.Request) (spa.Preview, bool) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/title/")
		if !ok {
			return spa.Preview{}, false
		}
		id, err := strconv.Atoi(strings.TrimSuffix(rest, "/"))
		if err != nil {
			return spa.Preview{}, false
		}
		ts, err := d.Catalog.NewLoader(r.Context(), catalog.ViewerOf(nil)).Titles(r.Context(), []int{id})
		if err != nil || len(ts) == 0 {
			return spa.Preview{}, false
		}
		t := ts[0]
		base := publicBase(d.Config.PublicURL, r)
		p := spa.Preview{Title: t.Name, Description: clip(t.Synopsis, 200), URL: base + "/title/" + strconv.Itoa(t.ID), Type: "video.movie"}
		if t.Kind == title.KindSERIES {
			p.Type = "video.tv_show"
		}
		if u := t.BackdropURL(); u != nil {
			p.Image = absolute(base, *u)
		} else if u := t.PosterURL(); u != nil {
			p.Image = absolute(base, *u)
		}
		return p, true
	}
}

// publicBase is the scheme and host browsers use: --public-url when set.
func publicBase(public string, r *http.Request) string {
	if public != "" {
		return strings.TrimSuffix(public, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// absolute makes a URL of this server's absolute; media served from elsewhere already is.
func absolute(base, u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return base + u
}

// clip shortens s to at most n runes, at a word, with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndexByte(string(r), ' '); i > n/2 {
		return strings.TrimRight(string(r)[:i], " ,.;:") + "…"
	}
	return string(r) + "…"
}
