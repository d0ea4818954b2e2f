//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/title"
	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/catalog"
	"github.com/marquee-org/marquee/internal/media"
	"github.com/marquee-org/marquee/internal/playback"
	"github.com/marquee-org/marquee/internal/pubsub"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/video"
)

// prepare creates, in the data dir's database: Premium viewers with 4 playback sessions each,
// one per title, on READY videos whose HLS files it writes; the accounts the login storm
// logs into and the one it guesses at, hashed with the server's own argon2id parameters so
// that a login costs what a real one does.
func prepare(ctx context.Context, dir string, c config) (*prepared, error) {
	st, err := store.Open(ctx, "", dir, store.Options{})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	if err := billing.EnsurePlans(ctx, st.Client); err != nil {
		return nil, err
	}
	files, err := media.NewLocal(filepath.Join(dir, "media"))
	if err != nil {
		return nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	broker := pubsub.NewLocal()
	cheap := auth.NewService(st.Client, broker, quiet, auth.Options{
		Params: auth.Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	})
	slow := auth.NewService(st.Client, broker, quiet, auth.Options{})
	signer, err := media.NewSigner([]byte(secret))
	if err != nil {
		return nil, err
	}
	pb := playback.NewService(st, catalog.NewService(st, broker), broker, signer, quiet, playback.Options{})

	var titleIDs []int
	for i := range titles {
		t, err := st.Client.Title.Create().SetKind(title.KindMOVIE).SetName("Load " + strconv.Itoa(i)).Save(ctx)
		if err != nil {
			return nil, err
		}
		v, err := st.Client.Video.Create().SetTitleID(t.ID).SetStatus(entvideo.StatusREADY).
			SetDurationSeconds(7200).SetReadyAt(time.Now()).Save(ctx)
		if err != nil {
			return nil, err
		}
		if err := writeVideo(ctx, files, video.OutputKey(v.ID), c.segments, c.segSize); err != nil {
			return nil, err
		}
		titleIDs = append(titleIDs, t.ID)
	}

	out := &prepared{}
	for i := range c.accounts {
		email := "storm" + strconv.Itoa(i) + "@bench.example"
		if _, err := slow.CreateUser(ctx, auth.NewUser{SignupInput: auth.SignupInput{Email: email, Password: password, Name: "S", Country: "US"}}); err != nil {
			return nil, err
		}
		out.accounts = append(out.accounts, email)
	}
	// Guessers try one account and one address nobody registered (the same work, by design),
	// so that the per-account limit is reached within the window and the rest are refused
	// before any hashing.
	const target = "target@bench.example"
	if _, err := slow.CreateUser(ctx, auth.NewUser{SignupInput: auth.SignupInput{Email: target, Password: password, Name: "T", Country: "US"}}); err != nil {
		return nil, err
	}
	out.targets = []string{target, "nobody@bench.example"}

	for i := 0; len(out.subs) < c.subs; i++ {
		res, err := cheap.Signup(ctx, auth.SignupInput{
			Email: "viewer" + strconv.Itoa(i) + "@bench.example", Password: password, Name: "V", Country: "US",
		}, auth.Client{})
		if err != nil {
			return nil, err
		}
		if _, err := billing.Grant(ctx, st.Client, res.User.ID, plancode.Premium, time.Now()); err != nil {
			return nil, err
		}
		v := &auth.Viewer{User: res.User, SessionID: res.Session.ID, ExpiresAt: res.Session.ExpiresAt}
		for _, tid := range titleIDs {
			if len(out.subs) == c.subs {
				break
			}
			s, err := pb.Start(ctx, v, tid, nil)
			if err != nil {
				return nil, err
			}
			sess, err := st.Client.PlaybackSession.Get(ctx, s.ID)
			if err != nil {
				return nil, err
			}
			sb := &sub{token: res.Token, userID: res.User.ID, videoID: sess.VideoID, sessionID: s.ID, manifest: s.ManifestURL}
			sb.acked.Store(-1)
			out.subs = append(out.subs, sb)
		}
	}
	// Preparing took a while; make every session as fresh as a player's that just started,
	// or the server rightly expires the oldest.
	if _, err := st.Client.PlaybackSession.Update().SetLastHeartbeatAt(time.Now().Add(time.Minute)).Save(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// writeVideo writes a master playlist, one 720p rung's playlist, init segment and segments.
func writeVideo(ctx context.Context, files media.Store, key string, n, size int) error {
	put := func(name string, b []byte) error {
		_, err := files.Put(ctx, key+"/"+name, bytes.NewReader(b), int64(len(b)))
		return err
	}
	var pl strings.Builder
	pl.WriteString("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MAP:URI=\"init.mp4\"\n")
	seg := make([]byte, size)
	for i := range seg {
		seg[i] = byte(i * 7)
	}
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("seg_%05d.m4s", i)
		if err := put("720p/"+name, seg); err != nil {
			return err
		}
		fmt.Fprintf(&pl, "#EXTINF:4.000,\n%s\n", name)
	}
	pl.WriteString("#EXT-X-ENDLIST\n")
	if err := put("720p/index.m3u8", []byte(pl.String())); err != nil {
		return err
	}
	if err := put("720p/init.mp4", make([]byte, 800)); err != nil {
		return err
	}
	return put("master.m3u8", []byte("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n"+
		"#EXT-X-STREAM-INF:BANDWIDTH=3100000,RESOLUTION=1280x720,CODECS=\"avc1.64001f,mp4a.40.2\"\n720p/index.m3u8\n"))
}
