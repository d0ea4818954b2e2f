package transcoder

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestEncryptKeepsEveryByteBehindTheKey encrypts a real transcode with a key per 2 s of content and
// checks that each segment of each rendition decrypts, with the key its playlist names and the IV of
// its sequence number, to exactly the bytes it had before; that init segments, subtitles and
// thumbnails are untouched; and that the playlists name their keys through the imported variable.
func TestEncryptKeepsEveryByteBehindTheKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := makeClip(t, dir, "in.mp4", clip{audio: true, seconds: 5})
	out := filepath.Join(dir, "out")
	require.NoError(t, os.Mkdir(out, 0o755))
	res, err := Transcode(context.Background(), testOptions(), input, out, nil)
	require.NoError(t, err)
	before := snapshot(t, out)

	key := func(r string, p int) [16]byte {
		var k [16]byte
		copy(k[:], r+"/"+strconv.Itoa(p)+"................")
		return k
	}
	e := Encryption{
		Key:    key,
		KeyURI: func(r string, p int) string { return "{$keys}/" + r + "/" + strconv.Itoa(p) + ".key" },
		Import: "keys",
		Period: 2 * time.Second,
	}
	require.NoError(t, Encrypt(out, e))
	after := snapshot(t, out)

	names := []string{res.Audio[0].Name}
	for _, r := range res.Renditions {
		names = append(names, r.Name)
	}
	for _, name := range names {
		list := after[name+"/index.m3u8"]
		require.Contains(t, list, "#EXT-X-VERSION:8\n#EXT-X-DEFINE:IMPORT=\"keys\"\n", name)
		m, err := readMediaPlaylist(filepath.Join(out, name, playlistName))
		require.NoError(t, err)
		require.Len(t, m.segments, 3, "%s: 5 s in 2 s segments", name)
		require.True(t, before[name+"/"+m.init] == after[name+"/"+m.init], "init segments stay clear")
		_, rest, ok := strings.Cut(list, "#EXT-X-MEDIA-SEQUENCE:")
		require.True(t, ok)
		seq, err := strconv.ParseUint(rest[:strings.IndexByte(rest, '\n')], 10, 64)
		require.NoError(t, err)
		var start float64
		for i, s := range m.segments {
			period := int((start + 0.001) / 2)
			uri := `#EXT-X-KEY:METHOD=AES-128,URI="{$keys}/` + name + "/" + strconv.Itoa(period) + `.key"` + "\n#EXTINF"
			require.Contains(t, list, uri, "%s segment %d", name, i)
			plain := decryptCBC(t, key(name, period), seq+uint64(i), []byte(after[name+"/"+s.uri]))
			// Compared as booleans: a failure must not print megabytes of segment.
			require.True(t, before[name+"/"+s.uri] == string(plain), "%s segment %d decrypts to what it was", name, i)
			require.False(t, before[name+"/"+s.uri] == after[name+"/"+s.uri], "%s segment %d is encrypted", name, i)
			start += s.duration
		}
		require.Equal(t, 3, strings.Count(list, "#EXT-X-KEY:"), "%s: one key per 2 s period", name)
	}
	for file, content := range before {
		if !strings.HasSuffix(file, ".m4s") && !strings.HasSuffix(file, "index.m3u8") {
			require.True(t, content == after[file], file)
		}
	}
	require.ErrorIs(t, Encrypt(out, e), ErrAlreadyEncrypted, "twice would double-encrypt")
}

// snapshot reads every file under dir, by slash path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	}))
	return files
}

// decryptCBC undoes encryptSegment, checking the padding.
func decryptCBC(t *testing.T, key [16]byte, seq uint64, data []byte) []byte {
	t.Helper()
	require.Zero(t, len(data)%aes.BlockSize)
	block, err := aes.NewCipher(key[:])
	require.NoError(t, err)
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, SegmentIV(seq)).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1])
	require.True(t, pad >= 1 && pad <= aes.BlockSize)
	for _, b := range plain[len(plain)-pad:] {
		require.Equal(t, byte(pad), b)
	}
	return plain[:len(plain)-pad]
}
