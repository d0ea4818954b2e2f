package video

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testmedia"
	"github.com/marquee-org/marquee/transcoder"
)

// A video published in the clear is encrypted in place by EncryptExisting: same files, the
// segments now ciphertext under keys from the seed stored in its row, playlists naming them,
// the marker written; a second run skips it, and a video not READY is left alone.
func TestEncryptExistingRepackagesClearVideos(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	m, err := media.Open(ctx, "file://"+t.TempDir(), t.TempDir())
	require.NoError(t, err)
	s := NewService(st, m, pubsub.NewLocal(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)), 1<<20, nil)
	local := m.(*media.Local)

	tt := st.Client.Title.Create().SetKind(title.KindMOVIE).SetName("Old").SaveX(ctx)
	v := st.Client.Video.Create().SetTitleID(tt.ID).SetStatus(entvideo.StatusREADY).SaveX(ctx)
	queued := st.Client.Video.Create().SetTitleID(tt.ID).SaveX(ctx)
	out, err := m.TempDir("test-")
	require.NoError(t, err)
	_, err = transcoder.Transcode(ctx, transcoder.Options{Heights: []int{90, 144}, Preset: "ultrafast"}, testmedia.Make(t, testmedia.Default), out, nil)
	require.NoError(t, err)
	require.NoError(t, m.Publish(ctx, out, OutputKey(v.ID)))
	dir, err := local.Path(OutputKey(v.ID))
	require.NoError(t, err)
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		require.NoError(t, err)
		return string(b)
	}
	clearSeg := read("90p/seg_00001.m4s")

	_, err = s.EncryptExisting(ctx, nil)
	require.Error(t, err, "no keyring: nothing to seal keys with")
	kr, err := media.NewKeyring([]byte(strings.Repeat("s", media.MinSecretLen)))
	require.NoError(t, err)
	s.Encrypt(Encryption{Keyring: kr})
	n, err := s.EncryptExisting(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, Repackaged{Encrypted: 1}, n)

	require.FileExists(t, filepath.Join(dir, media.EncryptedMarker))
	require.Contains(t, read("90p/index.m3u8"), `#EXT-X-KEY:METHOD=AES-128,URI="{$marquee_keys}/90p/0.key"`)
	sealed, err := s.SealedSeed(ctx, v.ID)
	require.NoError(t, err)
	seed, err := kr.Open(v.ID, sealed)
	require.NoError(t, err)
	key := media.ContentKey(seed, "90p", 0)
	enc := []byte(read("90p/seg_00001.m4s"))
	require.False(t, string(enc) == clearSeg, "the segment is encrypted")
	plain := decrypt(t, key, 1, enc)
	require.True(t, string(plain) == clearSeg, "and decrypts to what it was")

	n, err = s.EncryptExisting(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, Repackaged{Skipped: 1}, n, "already encrypted")
	_, err = s.SealedSeed(ctx, queued.ID)
	require.ErrorIs(t, err, os.ErrNotExist)
}

func decrypt(t *testing.T, key [16]byte, seq uint64, data []byte) []byte {
	t.Helper()
	block, err := aes.NewCipher(key[:])
	require.NoError(t, err)
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, transcoder.SegmentIV(seq)).CryptBlocks(plain, data)
	return plain[:len(plain)-int(plain[len(plain)-1])]
}
