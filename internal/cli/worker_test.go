package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	entvideo "github.com/marquee-org/marquee/ent/video"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testkit"
	"github.com/marquee-org/marquee/internal/testmedia"
)

// startMarquee runs the test binary as `marquee args...` in its own process group, so
// that killing the group kills its ffmpeg too, as a crashed machine or container would.
func startMarquee(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"="+strings.Join(args, "\n"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("marquee %s output:\n%s", args[0], logs.String())
		}
	})
	return cmd
}

// TestKilledWorkerIsRescued kills a worker (and its ffmpeg) in the middle of a transcode;
// another worker must rescue the job and finish it: one READY video, no stray files.
func TestKilledWorkerIsRescued(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			common := []string{"--data-dir", dir, "--log-level", "warn"}
			if db == "postgres" {
				common = append(common, "--database-url", storetest.PostgresURL(t))
			}
			ctx := context.Background()
			clip := testmedia.Make(t, testmedia.Clip{Seconds: 6, Width: 640, Height: 360, Audio: true})

			r := run(t, nil, append([]string{"ingest", "--file", clip, "--name", "Rescue Me"}, common...)...)
			require.Equal(t, 0, r.code, r.stderr)
			m := regexp.MustCompile(`^title=(\d+) video=(\d+)\n$`).FindStringSubmatch(r.stdout)
			require.NotNil(t, m, r.stdout)
			videoID, _ := strconv.Atoi(m[2])

			st := openTestStore(t, db, common)
			status := func() entvideo.Status {
				return st.Client.Video.GetX(ctx, videoID).Status
			}
			scratch := filepath.Join(dir, "media", ".tmp")
			timing := []string{"--transcode-timeout", "10s", "--rescue-after", "15s"}

			// The first worker encodes slowly, so it is surely mid-job when it dies.
			first := startMarquee(t, append(append([]string{"worker", "--x264-preset", "veryslow"}, common...), timing...)...)
			require.Eventually(t, func() bool {
				entries, _ := os.ReadDir(scratch)
				return status() == entvideo.StatusPROCESSING && len(entries) > 0
			}, 60*time.Second, 50*time.Millisecond, "the first worker starts transcoding")
			var ffmpeg []int
			require.Eventually(t, func() bool {
				ffmpeg = children(first.Process.Pid, "ffmpeg")
				return len(ffmpeg) > 0
			}, 30*time.Second, 50*time.Millisecond, "the first worker runs ffmpeg")
			time.Sleep(500 * time.Millisecond) // let ffmpeg write some output
			// The worker alone is killed, as kill -9 of one process does: its ffmpeg dies with it.
			require.NoError(t, first.Process.Kill())
			_ = first.Wait()
			require.Eventually(t, func() bool {
				for _, pid := range ffmpeg {
					if testkit.Running(pid) {
						return false
					}
				}
				return true
			}, 10*time.Second, 50*time.Millisecond, "ffmpeg outlived its killed worker")
			entries, _ := os.ReadDir(scratch)
			require.NotEmpty(t, entries, "the killed attempt left scratch behind")

			startMarquee(t, append(append([]string{"worker", "--x264-preset", "ultrafast"}, common...), timing...)...)
			require.Eventually(t, func() bool { return status() == entvideo.StatusREADY }, 150*time.Second, 200*time.Millisecond,
				"a second worker rescues the job and completes it")

			require.Equal(t, 1, st.Client.Video.Query().Where(entvideo.StatusEQ(entvideo.StatusREADY)).CountX(ctx))
			require.Equal(t, 2, st.Client.Rendition.Query().CountX(ctx), "240p and 360p, recorded once")
			var state string
			var attempt int
			require.Eventually(t, func() bool {
				err := st.DB.QueryRowContext(ctx, `SELECT state, attempt FROM river_job WHERE kind = 'transcode'`).Scan(&state, &attempt)
				return err == nil && state == "completed"
			}, 30*time.Second, 100*time.Millisecond, "the job is recorded as completed (last state %q)", state)
			require.Equal(t, 2, attempt, "the rescued job completed on its second attempt")

			entries, _ = os.ReadDir(scratch)
			require.Empty(t, entries, "no stray scratch files")
			published, _ := os.ReadDir(filepath.Join(dir, "media", "videos"))
			require.Len(t, published, 1)
			require.FileExists(t, filepath.Join(dir, "media", "videos", m[2], "master.m3u8"))
		})
	}
}

func openTestStore(t *testing.T, db string, common []string) *store.Store {
	t.Helper()
	var s *store.Store
	var err error
	if db == "postgres" {
		s, err = store.OpenPostgres(context.Background(), common[len(common)-1], store.Options{})
	} else {
		s, err = store.OpenSQLite(context.Background(), store.SQLitePath(common[1]))
	}
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// children lists the processes named name whose parent is pid.
func children(pid int, name string) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, ok := testkit.ProcOf(child); ok && p.Name == name && p.Parent == pid {
			out = append(out, child)
		}
	}
	return out
}
