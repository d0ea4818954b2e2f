package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/testmedia"
)

// A video ingested in the clear (--encrypt-media=false) is re-packaged by media encrypt: its
// folder gains the marker and its playlists name keys; a second run skips it.
func TestMediaEncryptRepackagesClearVideos(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := run(t, nil, "ingest", "--data-dir", dir, "--file", testmedia.Make(t, testmedia.Default), "--name", "Clear", "--wait", "--encrypt-media=false")
	require.Equal(t, 0, r.code, r.stderr)
	video := regexp.MustCompile(`video=(\d+)`).FindStringSubmatch(r.stdout)
	require.NotNil(t, video, r.stdout)
	folder := filepath.Join(dir, "media", "videos", video[1])
	require.NoFileExists(t, filepath.Join(folder, "encryption.json"))
	rungs, err := filepath.Glob(filepath.Join(folder, "*p", "index.m3u8"))
	require.NoError(t, err)
	require.NotEmpty(t, rungs)
	before, err := os.ReadFile(rungs[0])
	require.NoError(t, err)
	require.NotContains(t, string(before), "#EXT-X-KEY")

	r = run(t, nil, "media", "encrypt", "--data-dir", dir)
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "encrypted=1 skipped=0 failed=0\n", r.stdout)
	require.FileExists(t, filepath.Join(folder, "encryption.json"))
	after, err := os.ReadFile(rungs[0])
	require.NoError(t, err)
	require.Contains(t, string(after), "#EXT-X-KEY:METHOD=AES-128")
	require.Equal(t, strings.Count(string(before), "#EXTINF"), strings.Count(string(after), "#EXTINF"), "the same segments")

	r = run(t, nil, "media", "encrypt", "--data-dir", dir, "--video", video[1])
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "encrypted=0 skipped=1 failed=0\n", r.stdout)
}
