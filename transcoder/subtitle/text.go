package subtitle

import (
	"html"
	"regexp"
	"strings"
)

var (
	// A tag in cue text: <i>, </font>, <c.yellow>, <v Bob>, <script src=…>.
	tag = regexp.MustCompile(`<[^<>\n]*>`)
	// An ASS override block: {\i1}, {\an8\pos(10,20)}.
	override = regexp.MustCompile(`\{[^{}]*\}`)
	// ASS style switches WebVTT can show.
	assStyle = regexp.MustCompile(`\\([ibu])([01])`)
)

// clean turns a cue's text into WebVTT cue text: only <b>, <i> and <u> survive as markup,
// balanced; everything else is text, escaped; lines are trimmed and blank ones dropped (a
// blank line would end the cue).
func clean(body, format string) string {
	if format == "ass" {
		body = fromASS(body)
	}
	var out strings.Builder
	var open []string
	text := func(s string) {
		if format == "vtt" {
			s = html.UnescapeString(s)
		}
		out.WriteString(escape(s))
	}
	last := 0
	for _, m := range tag.FindAllStringIndex(body, -1) {
		text(body[last:m[0]])
		last = m[1]
		closing, name := tagName(body[m[0]:m[1]])
		if name != "b" && name != "i" && name != "u" {
			continue
		}
		switch {
		case !closing:
			open = append(open, name)
			out.WriteString("<" + name + ">")
		case len(open) > 0 && open[len(open)-1] == name:
			open = open[:len(open)-1]
			out.WriteString("</" + name + ">")
		}
	}
	text(body[last:])
	for i := len(open) - 1; i >= 0; i-- {
		out.WriteString("</" + open[i] + ">")
	}
	var lines []string
	for _, l := range strings.Split(out.String(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	t := strings.Join(lines, "\n")
	if strings.Trim(tag.ReplaceAllString(t, ""), " \n") == "" {
		return ""
	}
	return t
}

// tagName reads a tag: whether it closes, and its lower-case name ("c" for <c.yellow>).
func tagName(t string) (bool, string) {
	t = strings.TrimSpace(t[1 : len(t)-1])
	closing := strings.HasPrefix(t, "/")
	t = strings.TrimPrefix(t, "/")
	end := strings.IndexAny(t, " .\t/")
	if end >= 0 {
		t = t[:end]
	}
	return closing, strings.ToLower(t)
}

// escape writes text for a WebVTT cue.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// fromASS turns ASS text into SubRip-like text: line breaks, hard spaces, and its italic,
// bold and underline switches as tags; other overrides (position, colour, karaoke) go.
func fromASS(s string) string {
	s = override.ReplaceAllStringFunc(s, func(block string) string {
		var out strings.Builder
		for _, m := range assStyle.FindAllStringSubmatch(block, -1) {
			if m[2] == "1" {
				out.WriteString("<" + m[1] + ">")
			} else {
				out.WriteString("</" + m[1] + ">")
			}
		}
		return out.String()
	})
	return strings.NewReplacer(`\N`, "\n", `\n`, "\n", `\h`, " ").Replace(s)
}
