package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRecommendGenThenEval(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := run(t, nil, "recommend", "gen", "--out", dir, "--users", "150", "--items", "120", "--ratings", "20", "--seed", "4")
	require.Equal(t, 0, r.code, r.stderr)
	require.Regexp(t, `^ratings=\d+ users=150 items=120\n$`, r.stdout)

	args := []string{"recommend", "eval", "--ratings", filepath.Join(dir, "ratings.csv"), "--items", filepath.Join(dir, "movies.csv"), "--seed", "2"}
	r = run(t, nil, args...)
	require.Equal(t, 0, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 7, r.stdout)
	for i, model := range []string{"popularity", "popcount", "itemknn", "content", "ease", "rp3beta", "hybrid"} {
		require.Regexp(t, `^`+model+` +ndcg@10=0\.\d{4} recall@20=0\.\d{4} coverage=[01]\.\d{4}$`, lines[i])
	}
	require.Contains(t, r.stderr, "100%", "a progress bar on stderr")
	require.Regexp(t, `tuned on validation: itemknn k=\d+ shrink=\d+`, r.stderr)
	require.Regexp(t, `tuned on validation: ease lambda=\d+`, r.stderr)
	require.Regexp(t, `tuned on validation: rp3beta alpha=[\d.]+ beta=[\d.]+`, r.stderr)
	require.Equal(t, r.stdout, run(t, nil, args...).stdout, "same seed, same figures")

	r = run(t, nil, append(args, "--json")...)
	require.Equal(t, 0, r.code, r.stderr)
	var out struct {
		Users  int `json:"users"`
		Models []struct {
			Model string  `json:"model"`
			NDCG  float64 `json:"ndcg@10"`
		} `json:"models"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
	require.Equal(t, 150, out.Users)
	require.Len(t, out.Models, 7)
	require.Equal(t, "hybrid", out.Models[6].Model)

	r = run(t, nil, "recommend", "eval", "--data", dir, "--seed", "2", "--split", "global-time", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "global-time split at ")
	var global struct {
		Protocol struct {
			Split string `json:"split"`
			Cut   int64  `json:"cut"`
			Users int    `json:"users"`
		} `json:"protocol"`
		Models []struct {
			Model string `json:"model"`
		} `json:"models"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &global))
	require.Equal(t, "global-time", global.Protocol.Split)
	require.Positive(t, global.Protocol.Cut)
	require.Positive(t, global.Protocol.Users)
	require.Less(t, global.Protocol.Users, 150, "viewers with nothing after the cut are not evaluated")
	require.Len(t, global.Models, 7)

	r = run(t, nil, append(args, "--tune=false")...)
	require.Equal(t, 0, r.code, r.stderr)
	require.NotContains(t, r.stderr, "tuned on validation")
	require.Len(t, strings.Split(strings.TrimSpace(r.stdout), "\n"), 7, r.stdout)
}

func TestRecommendBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ratings := filepath.Join(dir, "ratings.csv")
	movies := filepath.Join(dir, "movies.csv")
	require.NoError(t, os.WriteFile(ratings, []byte("userId,movieId,rating,timestamp\n1,1,x,5\n"), 0o644))
	require.NoError(t, os.WriteFile(movies, []byte("movieId,title,genres\n1,A (1990),Drama\n"), 0o644))
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"recommend"}, 2, "usage"},
		{[]string{"recommend", "train"}, 2, "usage"},
		{[]string{"recommend", "eval"}, 2, "give --data, or --ratings and --items"},
		{[]string{"recommend", "eval", "--data", dir, "--ratings", ratings, "--items", movies}, 2, "give --data, or --ratings and --items"},
		{[]string{"recommend", "eval", "--data", filepath.Join(dir, "nowhere")}, 1, "movies.csv: no such file"},
		{[]string{"recommend", "eval", "--data", dir}, 1, `ratings.csv: ratings: line 2: rating "x" is not a star rating`},
		{[]string{"recommend", "eval", "--ratings", ratings, "--items", movies, "--split", "random"}, 2, "--split must be per-user or global-time"},
		{[]string{"recommend", "eval", "--ratings", ratings, "--items", movies, "--k", "0"}, 2, "must be positive"},
		{[]string{"recommend", "eval", "--ratings", ratings, "--items", movies, "--hybrid-split", "session"}, 2, "--hybrid-split must be per-user or global-time"},
		{[]string{"recommend", "eval", "--nope"}, 2, "flag provided but not defined"},
		{[]string{"recommend", "eval", "--ratings", ratings, "--items", movies, "extra"}, 2, "unexpected argument"},
		{[]string{"recommend", "eval", "--ratings", ratings, "--items", movies}, 1, `ratings.csv: ratings: line 2: rating "x" is not a star rating`},
		{[]string{"recommend", "eval", "--ratings", ratings, "--items", filepath.Join(dir, "none.csv")}, 1, "none.csv: no such file"},
		{[]string{"recommend", "gen"}, 2, "give --out"},
		{[]string{"recommend", "gen", "--out", dir, "--items", "3"}, 2, "--items at least 30"},
		{[]string{"recommend", "gen", "--out", dir, "--noise", "2"}, 2, "between 0 and 1"},
		{[]string{"recommend", "gen", "--out", dir, "--users", "many"}, 2, "invalid value"},
	} {
		r := run(t, nil, tc.args...)
		require.Equal(t, tc.code, r.code, "%v: %s", tc.args, r.stderr)
		require.Contains(t, r.stderr, tc.want, tc.args)
		require.Empty(t, r.stdout, tc.args)
		if tc.code == 2 && len(tc.args) > 2 {
			require.Len(t, strings.Split(strings.TrimSpace(r.stderr), "\n"), 1, "%v: one line: %s", tc.args, r.stderr)
		}
	}
}
