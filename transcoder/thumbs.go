package transcoder

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// spriteQuality is the JPEG quality of the sprite sheets: thumbnails are shown small, so artefacts are hard to
// see, and a 10×10 sheet stays around 100 kB.
const spriteQuality = 80

// buildSprites tiles the single thumbnails ffmpeg wrote into dir into sprite sheets of t.Columns×t.Rows,
// removes the singles and returns how many thumbnails there were.
func buildSprites(dir string, t ThumbPlan) (int, error) {
	var thumbs []string
	for i := 1; ; i++ {
		name := filepath.Join(dir, fmt.Sprintf(thumbPattern, i))
		if _, err := os.Stat(name); errors.Is(err, os.ErrNotExist) {
			break
		} else if err != nil {
			return 0, err
		}
		thumbs = append(thumbs, name)
	}
	if len(thumbs) == 0 {
		return 0, errors.New("ffmpeg wrote no thumbnails")
	}
	perSheet := t.Columns * t.Rows
	for sheet := 0; sheet*perSheet < len(thumbs); sheet++ {
		batch := thumbs[sheet*perSheet : min(len(thumbs), (sheet+1)*perSheet)]
		cols := min(t.Columns, len(batch))
		rows := (len(batch) + cols - 1) / cols
		canvas := image.NewRGBA(image.Rect(0, 0, cols*t.Width, rows*t.Height))
		for i, name := range batch {
			img, err := decodeJPEG(name)
			if err != nil {
				return 0, err
			}
			at := image.Pt((i%cols)*t.Width, (i/cols)*t.Height)
			draw.Draw(canvas, image.Rectangle{Min: at, Max: at.Add(image.Pt(t.Width, t.Height))}, img, img.Bounds().Min, draw.Src)
		}
		if err := writeJPEG(filepath.Join(dir, spriteName(sheet+1)), canvas); err != nil {
			return 0, err
		}
	}
	for _, name := range thumbs {
		if err := os.Remove(name); err != nil {
			return 0, err
		}
	}
	return len(thumbs), nil
}

func decodeJPEG(name string) (image.Image, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(name), err)
	}
	return img, nil
}

func writeJPEG(name string, img image.Image) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: spriteQuality}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// thumbnailVTT is the WebVTT seek-thumbnail track for count thumbnails: one cue per thumbnail, pointing at its
// tile of a sprite sheet with a media fragment (#xywh=x,y,w,h), the format video.js, Vidstack and JW Player
// read. Sprite paths are relative to the VTT file, which sits in outDir. The last cue runs to the end.
func thumbnailVTT(t ThumbPlan, count int, duration float64) string {
	var b strings.Builder
	b.WriteString("WEBVTT\n")
	perSheet := t.Columns * t.Rows
	for i := range count {
		start := float64(i * t.Interval)
		end := float64((i + 1) * t.Interval)
		if i == count-1 || end > duration {
			end = math.Max(duration, start+0.001)
		}
		tile := i % perSheet
		fmt.Fprintf(&b, "\n%s --> %s\n%s/%s#xywh=%d,%d,%d,%d\n",
			vttTime(start), vttTime(end), thumbsDir, spriteName(i/perSheet+1),
			(tile%t.Columns)*t.Width, (tile/t.Columns)*t.Height, t.Width, t.Height)
	}
	return b.String()
}

func spriteName(n int) string { return fmt.Sprintf(spritePattern, n) }

func vttTime(sec float64) string {
	ms := int64(math.Round(sec * 1000))
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3_600_000, ms/60_000%60, ms/1000%60, ms%1000)
}
