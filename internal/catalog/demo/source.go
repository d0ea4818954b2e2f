package demo

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Options shape the generated sources. Zero fields get the defaults noted on each.
type Options struct {
	FFmpeg string // default "ffmpeg"
	// Seconds, Width and Height size each clip: default 12 s at 640×360. Below 480p the
	// transcoder's ladder is two small rungs (it never upscales), so a clip transcodes in
	// seconds even on two cores.
	Seconds       int
	Width, Height int
	// FontFile is the font for the title drawn on screen; empty: the first of a few common
	// system fonts that exists. Without a font, or an ffmpeg without drawtext, the clips
	// carry no text.
	FontFile string
}

func (o Options) withDefaults() Options {
	if o.FFmpeg == "" {
		o.FFmpeg = "ffmpeg"
	}
	if o.Seconds == 0 {
		o.Seconds = 12
	}
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 640, 360
	}
	return o
}

// fontCandidates are bold sans fonts found on common systems (Debian/Ubuntu, Fedora, Arch,
// Alpine, macOS), tried in order.
func fontCandidates() []string {
	return []string{
		"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
		"/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf",
		"/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
		"/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
		"/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
		"/usr/share/fonts/liberation-sans/LiberationSans-Bold.ttf",
		"/System/Library/Fonts/Supplemental/Arial Bold.ttf",
		"/Library/Fonts/Arial Bold.ttf",
	}
}

// clip is one source to generate: a look (which pattern, tinted how, sounding how) and
// the lines drawn on it.
type clip struct {
	look  int // index into the looks; titles take turns, episodes share their series'
	lines []string
}

// generator makes clips with one ffmpeg run each.
type generator struct {
	o    Options
	font string // empty: no text
	dir  string // scratch for text files and clips
}

// newGenerator finds the font, checks that ffmpeg can draw text, and makes a scratch
// directory that close removes.
func newGenerator(ctx context.Context, o Options) (*generator, error) {
	o = o.withDefaults()
	g := &generator{o: o, font: o.FontFile}
	if g.font == "" {
		for _, f := range fontCandidates() {
			if _, err := os.Stat(f); err == nil {
				g.font = f
				break
			}
		}
	}
	if g.font != "" {
		out, err := exec.CommandContext(ctx, o.FFmpeg, "-hide_banner", "-filters").Output()
		if err != nil {
			return nil, fmt.Errorf("run %s: %w", o.FFmpeg, err)
		}
		// Builds without libfreetype lack drawtext; their clips simply carry no title.
		if !bytes.Contains(out, []byte(" drawtext ")) {
			g.font = ""
		}
	}
	dir, err := os.MkdirTemp("", "marquee-demo-")
	if err != nil {
		return nil, fmt.Errorf("scratch dir: %w", err)
	}
	g.dir = dir
	return g, nil
}

func (g *generator) close() { _ = os.RemoveAll(g.dir) }

// hasText reports whether clips get their titles drawn on them.
func (g *generator) hasText() bool { return g.font != "" }

// make writes c as an H.264/AAC MP4 and returns its path, which the caller removes.
func (g *generator) make(ctx context.Context, c clip) (string, error) {
	f, err := os.CreateTemp(g.dir, "clip-*.mp4")
	if err != nil {
		return "", fmt.Errorf("clip file: %w", err)
	}
	out := f.Name()
	_ = f.Close()
	var texts []string
	if g.hasText() {
		for _, line := range c.lines {
			p := strings.TrimSuffix(out, ".mp4") + "-" + strconv.Itoa(len(texts)) + ".txt"
			// textfile, not text=: titles hold quotes, colons and commas that the filter
			// syntax would otherwise need escaped.
			if err := os.WriteFile(p, []byte(line), 0o600); err != nil {
				return "", fmt.Errorf("clip text: %w", err)
			}
			texts = append(texts, p)
			defer os.Remove(p)
		}
	}
	args := g.args(c, texts, out)
	if b, err := exec.CommandContext(ctx, g.o.FFmpeg, args...).CombinedOutput(); err != nil {
		_ = os.Remove(out)
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("generate clip: %w: %s", err, lastLine(b))
	}
	return out, nil
}

// args is the ffmpeg command line for c, with its lines read from textFiles.
func (g *generator) args(c clip, textFiles []string, out string) []string {
	o := g.o
	all := looks()
	lk := all[c.look%len(all)]
	// Each pass through the looks tints them differently, so no two titles look alike.
	hue := (c.look / len(all) * 67) % 360
	v := lk.video(o.Width, o.Height, c.look) +
		fmt.Sprintf(",hue=h=%d+%g*t", hue, lk.spin) +
		",setsar=1,format=yuv420p"
	if len(textFiles) > 0 {
		h := o.Height
		v += fmt.Sprintf(",drawbox=x=0:y=%d:w=iw:h=%d:color=black@0.55:t=fill", h*60/100, h*27/100)
		size := fitFont(c.lines[0], o.Width, h/9)
		v += drawtext(g.font, textFiles[0], size, h*64/100)
		if len(textFiles) > 1 {
			v += drawtext(g.font, textFiles[1], fitFont(c.lines[1], o.Width, h/14), h*64/100+size*5/4)
		}
	}
	a := fmt.Sprintf("sine=frequency=%d:sample_rate=48000", 196+c.look*37%440)
	if lk.noise {
		a = "anoisesrc=color=pink:amplitude=0.08:sample_rate=48000"
	}
	secs := strconv.Itoa(o.Seconds)
	return []string{
		"-hide_banner", "-loglevel", "error", "-nostdin", "-y",
		"-f", "lavfi", "-i", v,
		"-f", "lavfi", "-i", a,
		"-t", secs,
		// Capped so busy patterns (fractals, cellular automata) stay small on disk: the
		// media store keeps sources next to their transcodes.
		"-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-maxrate", "1200k", "-bufsize", "2400k", "-g", "48",
		"-c:a", "aac", "-b:a", "96k", "-ac", "2",
		"-movflags", "+faststart",
		out,
	}
}

// look is a lavfi pattern family.
type look struct {
	video func(w, h, n int) string
	spin  float64 // hue rotation, degrees per second: static patterns get some movement
	noise bool    // pink noise ("rain") instead of a tone
}

// looks are the pattern families titles cycle through; n varies each one's parameters.
func looks() []look {
	return []look{
		{video: func(w, h, n int) string {
			return fmt.Sprintf("mandelbrot=size=%dx%d:rate=24:start_scale=%g", w, h, 2.5+float64(n%3)/2)
		}},
		{video: func(w, h, n int) string {
			return fmt.Sprintf("gradients=size=%dx%d:rate=24:speed=0.03:nb_colors=3:seed=%d", w, h, n)
		}, noise: true},
		{video: func(w, h, n int) string {
			rules := []int{30, 90, 110, 150, 45, 105}
			return fmt.Sprintf("cellauto=size=%dx%d:rate=24:rule=%d:random_seed=%d,scale=%d:%d:flags=neighbor,%s",
				w/8, h/8, rules[n%len(rules)], n, w, h, tint(n))
		}, spin: 20},
		{video: func(w, h, n int) string {
			return fmt.Sprintf("life=size=%dx%d:rate=12:ratio=0.3:mold=8:seed=%d:life_color=#ffd23f:death_color=#1b1340:mold_color=#e4572e,fps=24,scale=%d:%d:flags=neighbor",
				w/8, h/8, n, w, h)
		}, noise: true},
		{video: func(w, h, _ int) string {
			return fmt.Sprintf("testsrc2=size=%dx%d:rate=24", w, h)
		}},
		{video: func(w, h, _ int) string {
			return fmt.Sprintf("smptehdbars=size=%dx%d:rate=24", w, h)
		}, spin: 30},
		{video: func(w, h, n int) string {
			return fmt.Sprintf("sierpinski=size=%dx%d:rate=24:seed=%d:type=%s,%s", w, h, n, []string{"carpet", "triangle"}[n/8%2], tint(n+1))
		}, noise: true},
		{video: func(w, h, _ int) string {
			return fmt.Sprintf("colorspectrum=size=%dx%d:rate=24:type=all", w, h)
		}, spin: 45},
	}
}

// tint colours a black-and-white pattern: white becomes one of a few colours.
func tint(n int) string {
	c := [][3]float64{{1, 0.55, 0.2}, {0.3, 0.8, 1}, {0.95, 0.3, 0.6}, {0.5, 1, 0.4}}[n%4]
	return fmt.Sprintf("colorchannelmixer=rr=%g:gg=%g:bb=%g", c[0], c[1], c[2])
}

// drawtext centres one line of textFile at y.
func drawtext(font, textFile string, size, y int) string {
	return fmt.Sprintf(",drawtext=fontfile=%s:textfile=%s:expansion=none:fontsize=%d:fontcolor=white:shadowcolor=black@0.6:shadowx=2:shadowy=2:x=(w-tw)/2:y=%d",
		filterValue(font), filterValue(textFile), size, y)
}

// fitFont is the largest size up to max at which s fits across width: a bold sans glyph
// is about 0.62 em wide on average.
func fitFont(s string, width, max int) int {
	n := float64(utf8.RuneCountInString(s) + 2)
	return int(math.Max(8, math.Min(float64(max), 0.92*float64(width)/(0.62*n))))
}

// filterValue escapes a filter option value at both levels ffmpeg parses it: the
// option's (quotes, backslashes, colons) and the filtergraph's (also brackets, commas,
// semicolons). Paths with such characters (Windows drives, odd temp dirs) stay intact.
func filterValue(s string) string {
	esc := func(s, special string) string {
		var b strings.Builder
		for _, r := range s {
			if strings.ContainsRune(special, r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	return esc(esc(s, `\':`), `\'[],;`)
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// episodeLine is the second line drawn on an episode's clip.
func episodeLine(season, episode int, name string) string {
	return fmt.Sprintf("S%d · E%d — %s", season, episode, name)
}
