package spa

import (
	"html"
	"net/http"
	"strings"
)

// Preview is what link previews (chat apps, social sites) show for a page: they read the
// HTML and run no script, so it is written into index.html as it is served.
type Preview struct {
	Title       string
	Description string
	// Image and URL are absolute.
	Image, URL string
	// Type is the Open Graph type, such as video.movie; website when empty.
	Type string
}

// Previewer finds the preview of a client route; false for routes without one.
type Previewer func(r *http.Request) (Preview, bool)

// withPreview puts p's title and Open Graph and Twitter card tags into the head of page.
func withPreview(page []byte, p Preview) []byte {
	s := string(page)
	esc := html.EscapeString
	typ := p.Type
	if typ == "" {
		typ = "website"
	}
	var tags strings.Builder
	tags.WriteString("<title>" + esc(p.Title) + " — Marquee</title>")
	meta := func(attr, name, content string) {
		if content != "" {
			tags.WriteString(`<meta ` + attr + `="` + name + `" content="` + esc(content) + `" />`)
		}
	}
	meta("name", "description", p.Description)
	meta("property", "og:site_name", "Marquee")
	meta("property", "og:type", typ)
	meta("property", "og:title", p.Title)
	meta("property", "og:description", p.Description)
	meta("property", "og:image", p.Image)
	meta("property", "og:url", p.URL)
	card := "summary"
	if p.Image != "" {
		card = "summary_large_image"
	}
	meta("name", "twitter:card", card)
	// The page's own title and description give way to the preview's.
	if i := strings.Index(s, "<title>"); i >= 0 {
		if j := strings.Index(s[i:], "</title>"); j >= 0 {
			s = s[:i] + s[i+j+len("</title>"):]
		}
	}
	if i := strings.Index(s, `<meta name="description"`); i >= 0 {
		if j := strings.Index(s[i:], ">"); j >= 0 {
			s = s[:i] + s[i+j+1:]
		}
	}
	if i := strings.Index(s, "</head>"); i >= 0 {
		return []byte(s[:i] + tags.String() + s[i:])
	}
	return page
}
