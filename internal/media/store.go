// Package media stores the files viewers stream and the sources they come from: uploaded
// sources, HLS ladders, posters and thumbnails. Nothing outside the store's root is ever
// read or written: every key is checked before it becomes a path.
package media

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// ErrTooLarge is returned by Put when the content exceeds its limit.
var ErrTooLarge = errors.New("media: content exceeds the size limit")

// Store is where media lives. Keys are slash-separated relative paths such as
// "videos/42/720p/index.m3u8".
type Store interface {
	// Put writes r to key, at most limit bytes, through a temporary file renamed into
	// place: a reader never sees half a file.
	Put(key string, r io.Reader, limit int64) (int64, error)
	// TempDir makes a fresh scratch directory for work that Publish later moves into place.
	TempDir(prefix string) (string, error)
	// Publish moves a finished scratch directory to key, replacing what was there.
	Publish(tmpDir, key string) error
	// Path returns the local file path of key, for ffmpeg and for serving.
	Path(key string) (string, error)
	// Remove deletes key and everything under it.
	Remove(key string) error
	// CleanTemp removes scratch directories whose name starts with prefix: leftovers of
	// work that was killed.
	CleanTemp(prefix string) error
}

// Open returns the store a media URL names. Only file:// is supported for now.
func Open(mediaURL string) (Store, error) {
	u, err := url.Parse(mediaURL)
	if err != nil {
		return nil, fmt.Errorf("media url: %w", err)
	}
	switch u.Scheme {
	case "file":
		return NewLocal(u.Path)
	default:
		return nil, fmt.Errorf("media url: %q stores are not supported yet; use file://", u.Scheme)
	}
}

// Local is a Store on the local filesystem (or a shared mount).
type Local struct {
	root string
}

const scratch = ".tmp"

// NewLocal creates the root and its scratch area if needed.
func NewLocal(root string) (*Local, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("media root: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(abs, scratch), 0o750); err != nil {
		return nil, fmt.Errorf("create media root: %w", err)
	}
	return &Local{root: abs}, nil
}

// Root is the store's directory.
func (l *Local) Root() string { return l.root }

var validKey = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$`)

// Path implements Store. Keys with "..", absolute paths, empty segments, hidden
// segments or unusual characters are refused.
func (l *Local) Path(key string) (string, error) {
	if !validKey.MatchString(key) || strings.Contains(key, "..") {
		return "", fmt.Errorf("media: invalid key %q", key)
	}
	return filepath.Join(l.root, filepath.FromSlash(key)), nil
}

// Put implements Store.
func (l *Local) Put(key string, r io.Reader, limit int64) (int64, error) {
	dst, err := l.Path(key)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return 0, fmt.Errorf("media: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Join(l.root, scratch), "put-*")
	if err != nil {
		return 0, fmt.Errorf("media: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, io.LimitReader(r, limit+1))
	if err == nil && n > limit {
		err = ErrTooLarge
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return n, fmt.Errorf("media: %w", err)
	}
	return n, nil
}

// TempDir implements Store.
func (l *Local) TempDir(prefix string) (string, error) {
	if prefix != "" && !validKey.MatchString(prefix) {
		return "", fmt.Errorf("media: invalid temp prefix %q", prefix)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	dir := filepath.Join(l.root, scratch, prefix+hex.EncodeToString(b[:]))
	if err := os.Mkdir(dir, 0o750); err != nil {
		return "", fmt.Errorf("media: %w", err)
	}
	return dir, nil
}

// Publish implements Store. The rename is atomic on one filesystem; replacing an
// existing key removes it first, which only happens when a retried job republishes
// output that was never marked ready.
func (l *Local) Publish(tmpDir, key string) error {
	if filepath.Dir(tmpDir) != filepath.Join(l.root, scratch) {
		return fmt.Errorf("media: %q is not a scratch directory of this store", tmpDir)
	}
	dst, err := l.Path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return fmt.Errorf("media: %w", err)
	}
	if err := os.RemoveAll(dst); err != nil {
		return fmt.Errorf("media: replace %s: %w", key, err)
	}
	if err := os.Rename(tmpDir, dst); err != nil {
		return fmt.Errorf("media: publish %s: %w", key, err)
	}
	return nil
}

// Remove implements Store.
func (l *Local) Remove(key string) error {
	p, err := l.Path(key)
	if err != nil {
		return err
	}
	return os.RemoveAll(p)
}

// CleanTemp implements Store.
func (l *Local) CleanTemp(prefix string) error {
	if prefix == "" || !validKey.MatchString(prefix) {
		return fmt.Errorf("media: invalid temp prefix %q", prefix)
	}
	matches, err := filepath.Glob(filepath.Join(l.root, scratch, prefix+"*"))
	if err != nil {
		return err
	}
	for _, m := range matches {
		if err := os.RemoveAll(m); err != nil {
			return fmt.Errorf("media: clean %s: %w", filepath.Base(m), err)
		}
	}
	return nil
}
