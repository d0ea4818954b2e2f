// Package media stores the files viewers stream and the sources they come from: uploaded
// sources, HLS ladders, posters and thumbnails. Nothing outside the store's root is ever
// read or written: every key is checked before it becomes a path or an object name.
package media

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// ErrTooLarge is returned by Put when the content exceeds its limit.
var ErrTooLarge = errors.New("media: content exceeds the size limit")

// ErrInvalidKey is returned for a key that could leave the store or name something hidden.
var ErrInvalidKey = errors.New("media: invalid key")

// Store is where media lives. Keys are slash-separated relative paths such as
// "videos/42/720p/index.m3u8". Work that produces files (a transcode) happens in local scratch
// directories, which Publish then makes visible under a key in one step as far as readers of
// the database are concerned: nothing refers to a key before its Publish returns.
//
// Every method that may reach an object store takes the caller's context, so that a request
// that goes away or a job that runs out of time stops its uploads and deletions too. TempDir
// and CleanTemp do not: scratch is a local directory on every store.
type Store interface {
	// Put writes r to key, at most limit bytes. A reader never sees half an object: the
	// content is complete and within the limit before it becomes visible, and a Put that
	// fails, ctx's end included, leaves nothing new under key.
	Put(ctx context.Context, key string, r io.Reader, limit int64) (int64, error)
	// TempDir makes a fresh local scratch directory for work that Publish later moves into place.
	TempDir(prefix string) (string, error)
	// Publish moves a finished scratch directory to key, replacing what was there, and
	// removes the scratch directory. A context already done publishes nothing.
	Publish(ctx context.Context, tmpDir, key string) error
	// Open opens the object at key for reading. A missing key, a folder or an invalid key is
	// an error matching fs.ErrNotExist.
	Open(ctx context.Context, key string) (Object, error)
	// Fetch returns a local file with key's content, for programs that need a path (ffmpeg):
	// the stored file itself on a filesystem store, otherwise a download into dir, which
	// should be a TempDir of this store so that CleanTemp removes it.
	Fetch(ctx context.Context, key, dir string) (string, error)
	// FetchAll copies every file under the folder key into the local directory dir, keeping
	// their paths below key (on a filesystem store, as hard links where it can). Replace a
	// copied file by renaming over it, never by writing into it.
	FetchAll(ctx context.Context, key, dir string) error
	// Remove deletes key and everything under it.
	Remove(ctx context.Context, key string) error
	// CleanTemp removes scratch directories whose name starts with prefix: leftovers of
	// work that was killed.
	CleanTemp(prefix string) error
}

// Redirector is a Store that may send browsers straight to an object (presigned URLs of an
// object store), once the handler's checks have passed.
type Redirector interface {
	// RedirectURL is a short-lived URL that serves key with the given Content-Type and
	// Cache-Control, or "" when the store serves everything through the handler.
	RedirectURL(ctx context.Context, key, contentType, cacheControl string) (string, error)
	// Origins are where those URLs point: the web app's Content-Security-Policy lets
	// browsers load media from them.
	Origins() []string
}

// Origins lists the origins other than the server's own that browsers load s's media from.
func Origins(s Store) []string {
	if r, ok := s.(Redirector); ok {
		return r.Origins()
	}
	return nil
}

// Writable checks that s's scratch area takes a write, as uploads and transcodes need (on a
// filesystem store it is the store's own disk): it writes a small file, syncs it, where a
// full disk refuses it, and removes it.
func Writable(s Store) error {
	dir, err := s.TempDir("ready-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	f, err := os.Create(filepath.Join(dir, "probe"))
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	_, err = f.Write(make([]byte, 4096))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("media: write probe: %w", err)
	}
	return nil
}

// Object is an open stored file. Seek only records the position; reading from it does the work,
// so that http.ServeContent can learn the size and jump to a range for free.
type Object interface {
	io.ReadSeekCloser
	Size() int64
	ModTime() time.Time
}

// Open returns the store a media URL names: file:///path, or
// s3://bucket/prefix?endpoint=…&region=… (see OpenS3). scratchDir is the local directory an
// object store does its scratch work in (a filesystem store keeps scratch inside its root, on
// the same filesystem, so that Publish is a rename).
func Open(ctx context.Context, mediaURL, scratchDir string) (Store, error) {
	u, err := url.Parse(mediaURL)
	if err != nil {
		return nil, fmt.Errorf("media url: %w", err)
	}
	switch u.Scheme {
	case "file":
		return NewLocal(u.Path)
	case "s3":
		return OpenS3(ctx, u, scratchDir)
	default:
		return nil, fmt.Errorf("media url: %q stores are not supported; use file:// or s3://", u.Scheme)
	}
}

var validKey = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$`)

// checkKey refuses keys with "..", absolute paths, empty segments, hidden segments or
// unusual characters.
func checkKey(key string) error {
	if !validKey.MatchString(key) || strings.Contains(key, "..") {
		return fmt.Errorf("%w %q", ErrInvalidKey, key)
	}
	return nil
}

// scratchArea is a local directory holding TempDirs, shared by both stores.
type scratchArea string

// TempDir implements Store.
func (s scratchArea) TempDir(prefix string) (string, error) {
	if prefix != "" && !validKey.MatchString(prefix) {
		return "", fmt.Errorf("media: invalid temp prefix %q", prefix)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	dir := filepath.Join(string(s), prefix+hex.EncodeToString(b[:]))
	if err := os.Mkdir(dir, 0o750); err != nil {
		return "", fmt.Errorf("media: %w", err)
	}
	return dir, nil
}

// CleanTemp implements Store.
func (s scratchArea) CleanTemp(prefix string) error {
	if prefix == "" || !validKey.MatchString(prefix) {
		return fmt.Errorf("media: invalid temp prefix %q", prefix)
	}
	matches, err := filepath.Glob(filepath.Join(string(s), prefix+"*"))
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

// check refuses a directory that is not one of this area's TempDirs.
func (s scratchArea) check(tmpDir string) error {
	if filepath.Dir(tmpDir) != string(s) {
		return fmt.Errorf("media: %q is not a scratch directory of this store", tmpDir)
	}
	return nil
}

// spool copies at most limit bytes of r into a new file of the area, which the caller
// removes; on error nothing is left behind. The copy stops when ctx ends: an upload from a
// client that went away is not worth finishing.
func (s scratchArea) spool(ctx context.Context, r io.Reader, limit int64) (*os.File, int64, error) {
	tmp, err := os.CreateTemp(string(s), "put-*")
	if err != nil {
		return nil, 0, fmt.Errorf("media: %w", err)
	}
	n, err := io.Copy(tmp, io.LimitReader(ctxReader{ctx: ctx, r: r}, limit+1))
	if err == nil && n > limit {
		err = ErrTooLarge
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, n, err
	}
	return tmp, n, nil
}

// ctxReader reads r until ctx ends; one check per read costs nothing next to the copy it guards.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Local is a Store on the local filesystem (or a shared mount).
type Local struct {
	root string
	scratchArea
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
	return &Local{root: abs, scratchArea: scratchArea(filepath.Join(abs, scratch))}, nil
}

// Root is the store's directory.
func (l *Local) Root() string { return l.root }

// Path returns the local file path of key.
func (l *Local) Path(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return filepath.Join(l.root, filepath.FromSlash(key)), nil
}

// Put implements Store, through a temporary file renamed into place. ctx is checked before
// the copy, during it and before the rename; the rename itself is one step.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, limit int64) (int64, error) {
	dst, err := l.Path(key)
	if err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("media: put %s: %w", key, err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return 0, fmt.Errorf("media: %w", err)
	}
	tmp, n, err := l.spool(ctx, r, limit)
	if err != nil {
		return n, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Close(); err != nil {
		return n, fmt.Errorf("media: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return n, fmt.Errorf("media: put %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return n, fmt.Errorf("media: %w", err)
	}
	return n, nil
}

// Publish implements Store. The rename is atomic on one filesystem; replacing an
// existing key removes it first, which only happens when a retried job republishes
// output that was never marked ready. ctx is checked once, before anything under key
// changes: after that the removal and the rename are quick and best finished together.
func (l *Local) Publish(ctx context.Context, tmpDir, key string) error {
	if err := l.check(tmpDir); err != nil {
		return err
	}
	dst, err := l.Path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("media: publish %s: %w", key, err)
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

// Open implements Store. The file it returns keeps the descriptor reachable, so the server
// sends its body with sendfile.
func (l *Local) Open(_ context.Context, key string) (Object, error) {
	p, err := l.Path(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, fs.ErrNotExist)
	}
	f, err := openFile(p)
	if err != nil {
		// ENOTDIR is a file used as a folder ("master.m3u8/x.m4s"): as absent as anything else.
		if errors.Is(err, syscall.ENOTDIR) {
			return nil, fmt.Errorf("media: %s: %w", key, fs.ErrNotExist)
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("media: %s is not a file: %w", key, fs.ErrNotExist) // folders are never listed
	}
	return &sizedFile{f: f, size: fi.Size(), mod: fi.ModTime()}, nil
}

// Fetch implements Store: the stored file is already local.
func (l *Local) Fetch(_ context.Context, key, _ string) (string, error) {
	p, err := l.Path(key)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("media: %w", err)
	}
	return p, nil
}

// FetchAll implements Store with hard links, or copies where links fail (another filesystem).
func (l *Local) FetchAll(ctx context.Context, key, dir string) error {
	root, err := l.Path(key)
	if err != nil {
		return err
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("media: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(dst, 0o755)
		case !d.Type().IsRegular():
			return nil
		}
		if os.Link(p, dst) == nil {
			return nil
		}
		return copyFile(p, dst)
	})
}

// copyFile copies the regular file src to a new file dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeNew(dst, in)
}

// writeNew writes r to a new file at dst, removing it again if the copy fails.
func writeNew(dst string, r io.Reader) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	_, err = io.Copy(out, r)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return fmt.Errorf("media: copy to %s: %w", dst, err)
	}
	return nil
}

// Remove implements Store. ctx is checked before the removal starts.
func (l *Local) Remove(ctx context.Context, key string) error {
	p, err := l.Path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("media: remove %s: %w", key, err)
	}
	return os.RemoveAll(p)
}
