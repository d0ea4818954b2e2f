package video

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/marquee-org/marquee/ent"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/transcoder"
)

// Encryption is how the service protects the media it publishes: each video's segments are
// encrypted with keys derived from a per-video seed, sealed by Keyring into the database.
type Encryption struct {
	Keyring *media.Keyring // nil: media is published in the clear
	Period  time.Duration  // content time per key; 0: one key per rendition
}

// Encrypt makes the service encrypt what it publishes from now on.
func (s *Service) Encrypt(e Encryption) { s.enc = e }

// marker is the content of media.EncryptedMarker: what was done, for operators; only its presence counts.
func marker(period time.Duration) []byte {
	return fmt.Appendf(nil, "{\"method\":\"AES-128\",\"keyPeriodSeconds\":%d}\n", int(period.Seconds()))
}

// encryptOutput encrypts the transcoded folder dir of video v before it is published. The video's
// seed is stored first (or the one stored by an earlier attempt reused), so nothing is ever
// published under a key the database does not hold.
func (s *Service) encryptOutput(ctx context.Context, v *ent.Video, dir string) error {
	if s.enc.Keyring == nil {
		return nil
	}
	seed, err := s.seed(ctx, v)
	if err != nil {
		return err
	}
	err = transcoder.Encrypt(dir, transcoder.Encryption{
		Key:    func(r string, p int) [16]byte { return media.ContentKey(seed, r, p) },
		KeyURI: media.KeyURI,
		Import: media.KeysVariable,
		Period: s.enc.Period,
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, media.EncryptedMarker), marker(s.enc.Period), 0o644)
}

// seed returns v's key seed, creating and storing it when v has none. Two attempts racing to
// create one keep whichever was stored first.
func (s *Service) seed(ctx context.Context, v *ent.Video) ([]byte, error) {
	if len(v.ContentKey) > 0 {
		return s.enc.Keyring.Open(v.ID, v.ContentKey)
	}
	_, sealed, err := s.enc.Keyring.NewSeed(v.ID)
	if err != nil {
		return nil, err
	}
	if _, err := s.st.Client.Video.Update().Where(entvideo.ID(v.ID), entvideo.ContentKeyIsNil()).
		SetContentKey(sealed).Save(ctx); err != nil {
		return nil, fmt.Errorf("store content key: %w", err)
	}
	stored, err := s.st.Client.Video.Query().Where(entvideo.ID(v.ID)).Select(entvideo.FieldContentKey).Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("read content key: %w", err)
	}
	if len(stored.ContentKey) == 0 {
		return nil, errors.New("content key not stored")
	}
	return s.enc.Keyring.Open(v.ID, stored.ContentKey)
}

// SealedSeed returns video id's sealed key seed, for the key route; an error matching
// fs.ErrNotExist when the video has none.
func (s *Service) SealedSeed(ctx context.Context, id int) ([]byte, error) {
	v, err := s.st.Client.Video.Query().Where(entvideo.ID(id)).Select(entvideo.FieldContentKey).Only(ctx)
	if ent.IsNotFound(err) || err == nil && len(v.ContentKey) == 0 {
		return nil, fmt.Errorf("video %d has no content key: %w", id, os.ErrNotExist)
	}
	if err != nil {
		return nil, err
	}
	return v.ContentKey, nil
}

// Repackaged counts what EncryptExisting did.
type Repackaged struct {
	Encrypted, Skipped, Failed int
}

// EncryptExisting encrypts, without re-encoding, the published media of READY videos that are
// still in the clear (all of them when ids is empty): each folder is copied to scratch, encrypted
// there and published over the original in one step. Videos already encrypted are skipped; one
// that fails is logged and left as it was.
func (s *Service) EncryptExisting(ctx context.Context, ids []int) (Repackaged, error) {
	var n Repackaged
	if s.enc.Keyring == nil {
		return n, errors.New("encrypt: no server secret to seal keys with")
	}
	q := s.st.Client.Video.Query().Where(entvideo.StatusEQ(entvideo.StatusREADY))
	if len(ids) > 0 {
		q = q.Where(entvideo.IDIn(ids...))
	}
	videos, err := q.Order(ent.Asc(entvideo.FieldID)).All(ctx)
	if err != nil {
		return n, fmt.Errorf("list videos: %w", err)
	}
	for _, v := range videos {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		done, err := s.encryptPublished(ctx, v)
		switch {
		case err != nil:
			n.Failed++
			s.log.ErrorContext(ctx, "encrypt video", slog.Int("video_id", v.ID), slog.Any("err", err))
		case done:
			n.Encrypted++
		default:
			n.Skipped++
		}
	}
	return n, nil
}

// encryptPublished encrypts one published video; false when it already was.
func (s *Service) encryptPublished(ctx context.Context, v *ent.Video) (bool, error) {
	key := OutputKey(v.ID)
	if obj, err := s.media.Open(ctx, key+"/"+media.EncryptedMarker); err == nil {
		obj.Close()
		return false, nil
	}
	prefix := "encrypt-" + fmt.Sprint(v.ID) + "-"
	if err := s.media.CleanTemp(prefix); err != nil {
		return false, err
	}
	defer s.media.CleanTemp(prefix)
	dir, err := s.media.TempDir(prefix)
	if err != nil {
		return false, err
	}
	if err := s.media.FetchAll(ctx, key, dir); err != nil {
		return false, err
	}
	if err := s.encryptOutput(ctx, v, dir); err != nil {
		return false, err
	}
	return true, s.media.Publish(ctx, dir, key)
}
