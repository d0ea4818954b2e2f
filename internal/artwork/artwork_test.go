package artwork_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/artwork"
)

func picture(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 128, uint8(255 * (x % 2))})
		}
	}
	return img
}

func encoded(t *testing.T, enc func(*bytes.Buffer, image.Image) error, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, enc(&b, picture(w, h)))
	return b.Bytes()
}

func jpegOf(b *bytes.Buffer, img image.Image) error { return jpeg.Encode(b, img, nil) }
func pngOf(b *bytes.Buffer, img image.Image) error  { return png.Encode(b, img) }

func TestRenditions(t *testing.T) {
	t.Parallel()
	check := func(data []byte, k artwork.Kind, wantWidths []int, aspect float64) {
		t.Helper()
		rs, err := artwork.Process(bytes.NewReader(data), k)
		require.NoError(t, err)
		var got []int
		for _, r := range rs {
			got = append(got, r.Width)
			img, err := jpeg.Decode(bytes.NewReader(r.JPEG))
			require.NoError(t, err, "every rendition is a JPEG")
			require.Equal(t, r.Width, img.Bounds().Dx())
			require.Equal(t, r.Height, img.Bounds().Dy())
			require.InDelta(t, aspect, float64(r.Height)/float64(r.Width), 0.02, "the aspect ratio is kept")
		}
		require.Equal(t, wantWidths, got)
	}
	check(encoded(t, jpegOf, 1000, 1500), artwork.Poster, []int{185, 342, 780}, 1.5)
	check(encoded(t, pngOf, 1920, 1080), artwork.Backdrop, []int{780, 1280, 1920}, 0.5625)
	check(encoded(t, pngOf, 400, 100), artwork.Logo, []int{185}, 0.25)  // never scaled up
	check(encoded(t, pngOf, 120, 180), artwork.Poster, []int{120}, 1.5) // narrower than the smallest: kept

	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Skip("ffmpeg makes the WebP sample")
	}
	webp := filepath.Join(t.TempDir(), "poster.webp")
	out, err := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=400x600",
		"-frames:v", "1", webp).CombinedOutput()
	require.NoError(t, err, "%s", out)
	data, err := os.ReadFile(webp)
	require.NoError(t, err)
	check(data, artwork.Poster, []int{185, 342}, 1.5)
}

// bombPNG is a PNG header claiming w × h pixels followed by no image data: a decoder that
// trusted it would allocate w × h × 4 bytes.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	chunk("IHDR", ihdr)
	chunk("IEND", nil)
	return b.Bytes()
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		data []byte
		want error
	}{
		"SVG":                   {[]byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`), artwork.ErrFormat},
		"HTML named .jpg":       {[]byte("<!doctype html><html><body>hello</body></html>"), artwork.ErrFormat},
		"a GIF":                 {[]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), artwork.ErrFormat},
		"empty":                 {nil, artwork.ErrFormat},
		"a truncated JPEG":      {encoded(t, jpegOf, 50, 50)[:40], artwork.ErrFormat},
		"20 000 × 20 000 PNG":   {bombPNG(20000, 20000), artwork.ErrTooLarge},
		"9 000 × 9 000 PNG":     {bombPNG(9000, 9000), artwork.ErrTooLarge},
		"more bytes than taken": {append([]byte{0xFF, 0xD8, 0xFF}, make([]byte, artwork.MaxBytes)...), artwork.ErrTooLarge},
	} {
		_, err := artwork.Process(bytes.NewReader(c.data), artwork.Poster)
		require.ErrorIs(t, err, c.want, name)
	}
}
