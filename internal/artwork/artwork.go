// Package artwork turns an uploaded image into the JPEG renditions a title's artwork is
// served in: it recognises JPEG, PNG and WebP by their first bytes (nothing else, SVG
// included, gets further), refuses images too large in bytes or in pixels before decoding
// them whole, and scales them down to a few widths.
package artwork

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Kind is what the image is for; each has its own widths.
type Kind string

// The kinds of artwork a title has.
const (
	Poster   Kind = "POSTER"
	Backdrop Kind = "BACKDROP"
	Logo     Kind = "LOGO"
)

// Widths are the renditions made of each kind, in pixels, smallest first. An image is
// never scaled up: widths above its own are left out, and an image narrower than the
// smallest is kept at its own width.
var widths = map[Kind][]int{
	Poster:   {185, 342, 780},
	Backdrop: {780, 1280, 1920},
	Logo:     {185, 500},
}

// Widths returns the widths made for kind (nil for an unknown kind).
func Widths(k Kind) []int { return widths[k] }

// Limits on what is accepted.
const (
	MaxBytes  = 20 << 20   // an upload's size
	MaxPixels = 40_000_000 // width × height, checked from the header before decoding
	MaxSide   = 12_000     // either side
)

// ErrFormat and ErrTooLarge say why an image was refused, for people.
var (
	ErrFormat   = errors.New("artwork must be a JPEG, PNG or WebP image")
	ErrTooLarge = fmt.Errorf("artwork must be at most %d MiB and %d megapixels, %d pixels a side", MaxBytes>>20, MaxPixels/1_000_000, MaxSide)
)

// Rendition is one scaled JPEG.
type Rendition struct {
	Width, Height int
	JPEG          []byte
}

// Process reads one image from r and returns its renditions for kind, smallest first.
func Process(r io.Reader, k Kind) ([]Rendition, error) {
	want := widths[k]
	if want == nil {
		return nil, fmt.Errorf("unknown artwork kind %q", k)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read artwork: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, ErrTooLarge
	}
	decodeConfig, decode := codec(data)
	if decode == nil {
		return nil, ErrFormat
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, ErrFormat
	}
	if cfg.Width < 1 || cfg.Height < 1 {
		return nil, ErrFormat
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
		return nil, ErrTooLarge
	}
	src, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, ErrFormat
	}
	b := src.Bounds()
	var out []Rendition
	for i, w := range want {
		if w > b.Dx() {
			if i > 0 {
				break
			}
			w = b.Dx() // narrower than the smallest: kept as it is
		}
		h := max(1, (b.Dy()*w+b.Dx()/2)/b.Dx())
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		// Transparency (logos) is laid over black, the player's and the app's background.
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.Black), image.Point{}, draw.Src)
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85}); err != nil {
			return nil, fmt.Errorf("encode artwork: %w", err)
		}
		out = append(out, Rendition{Width: w, Height: h, JPEG: buf.Bytes()})
		if w == b.Dx() {
			break
		}
	}
	return out, nil
}

// codec recognises an image by its first bytes and returns its header and image decoders,
// or nil ones.
func codec(data []byte) (func(io.Reader) (image.Config, error), func(io.Reader) (image.Image, error)) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return jpeg.DecodeConfig, jpeg.Decode
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return png.DecodeConfig, png.Decode
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return webp.DecodeConfig, webp.Decode
	}
	return nil, nil
}
