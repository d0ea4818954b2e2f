package artwork

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/schema/artset"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/media"
)

// Service stores titles' uploaded artwork in the media store and records it on the title.
type Service struct {
	media   media.Store
	catalog *catalog.Service
	log     *slog.Logger
}

// NewService returns the artwork service over a media store and the catalog.
func NewService(m media.Store, c *catalog.Service, log *slog.Logger) *Service {
	return &Service{media: m, catalog: c, log: log}
}

// Key is where a title's artwork lives in the media store.
func Key(titleID int) string { return "art/" + strconv.Itoa(titleID) }

// Upload makes the renditions of one image of kind for a title, stores them together under
// a new key (immutable URLs: a new upload is a new key), records them on the title and
// removes the artwork they replace. A refused image is BAD_USER_INPUT on "file" and stores
// nothing.
func (s *Service) Upload(ctx context.Context, titleID int, kind Kind, r io.Reader) (*ent.Title, error) {
	if widths[kind] == nil {
		return nil, apperr.Input("kind", "Artwork is a POSTER, a BACKDROP or a LOGO.")
	}
	rs, err := Process(r, kind)
	switch {
	case errors.Is(err, ErrFormat):
		return nil, apperr.Input("file", "Artwork must be a JPEG, PNG or WebP image.")
	case errors.Is(err, ErrTooLarge):
		return nil, apperr.Input("file", "Artwork must be at most %d MiB, %d megapixels and %d pixels a side.", MaxBytes>>20, MaxPixels/1_000_000, MaxSide)
	case err != nil:
		return nil, err
	}
	var tag [6]byte
	if _, err := rand.Read(tag[:]); err != nil {
		return nil, fmt.Errorf("artwork key: %w", err)
	}
	prefix := Key(titleID) + "/" + strings.ToLower(string(kind)) + "-" + hex.EncodeToString(tag[:])
	tmp, err := s.media.TempDir("artwork-")
	if err != nil {
		return nil, err
	}
	set := artset.Set{Prefix: prefix}
	for _, r := range rs {
		name := strconv.Itoa(r.Width) + ".jpg"
		if err := os.WriteFile(filepath.Join(tmp, name), r.JPEG, 0o644); err != nil {
			_ = os.RemoveAll(tmp)
			return nil, fmt.Errorf("write artwork: %w", err)
		}
		set.Widths = append(set.Widths, r.Width)
	}
	if err := s.media.Publish(ctx, tmp, prefix); err != nil {
		return nil, fmt.Errorf("store artwork: %w", err)
	}
	old, err := s.catalog.SetArtwork(ctx, titleID, string(kind), set)
	if err != nil {
		s.remove(context.WithoutCancel(ctx), prefix)
		return nil, err
	}
	if old.Prefix != "" {
		s.remove(ctx, old.Prefix)
	}
	return s.catalog.Title(ctx, titleID)
}

// Removed deletes the artwork of a title a catalog deletion took away (catalog.OnRemove).
func (s *Service) Removed(ctx context.Context, r catalog.Removed) {
	if r.Title {
		s.remove(ctx, Key(r.TitleID))
	}
}

func (s *Service) remove(ctx context.Context, key string) {
	if err := s.media.Remove(ctx, key); err != nil {
		s.log.WarnContext(ctx, "remove artwork", slog.String("key", key), slog.Any("err", err))
	}
}
