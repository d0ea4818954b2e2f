package cli

import (
	"fmt"
	"io"

	"github.com/marquee-org/marquee/internal/video"
)

// progressBar draws a one-line terminal progress bar.
func progressBar(w io.Writer, p video.Progress) {
	const width = 30
	filled := p.Percent * width / 100
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '-'
		if i < filled {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(w, "\r[%s] %3d%% %-10s", bar, p.Percent, p.Status)
}
