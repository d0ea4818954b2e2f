package cli

import (
	"fmt"
	"io"

	"github.com/marquee-org/marquee/internal/video"
)

// progressBar draws a one-line terminal progress bar.
func progressBar(w io.Writer, p video.Progress) {
	fmt.Fprintf(w, "\r%s %3d%% %-10s", gauge(p.Percent), p.Percent, p.Status)
}

// bar draws how far a count went, on one line redrawn in place.
func bar(w io.Writer, done, total int) {
	pct := 100
	if total > 0 {
		pct = done * 100 / total
	}
	fmt.Fprintf(w, "\r%s %d/%d", gauge(pct), done, total)
}

// gauge is a 30-character bar filled to pct percent.
func gauge(pct int) string {
	const width = 30
	filled := pct * width / 100
	b := make([]byte, width)
	for i := range b {
		b[i] = '-'
		if i < filled {
			b[i] = '#'
		}
	}
	return "[" + string(b) + "]"
}
