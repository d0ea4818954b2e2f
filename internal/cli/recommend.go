package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/marquee-org/marquee/internal/recommend"
	"github.com/marquee-org/marquee/internal/recommend/offline"
)

const recommendUsage = "usage: marquee recommend eval (--data DIR | --ratings ratings.csv --items movies.csv) [--split per-user|global-time] [--hybrid-split per-user|global-time] [--seed N] [--json] [--k N]\n" +
	"       marquee recommend gen --out DIR [--users N] [--items M] [--seed S]"

// recommendCmd runs the offline side of the recommender: evaluating the models on
// MovieLens-format files, and generating such files. Neither touches the database.
func recommendCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || (args[0] != "eval" && args[0] != "gen") {
		fmt.Fprintln(env.Stderr, recommendUsage)
		return errUsage
	}
	if args[0] == "gen" {
		return recommendGen(env, args[1:])
	}
	return recommendEval(ctx, env, args[1:])
}

// parseOwn parses a command's own flags, without the server configuration it does not
// use; errors print one line and return errUsage.
func parseOwn(name string, args []string, env Env, own func(fs *flag.FlagSet)) error {
	fs := flag.NewFlagSet("marquee "+name, flag.ContinueOnError)
	var errBuf strings.Builder
	fs.SetOutput(&errBuf)
	own(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(env.Stderr)
			fs.PrintDefaults()
			return err
		}
		fmt.Fprintf(env.Stderr, "marquee %s: %v\n", name, err)
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "marquee %s: unexpected argument %q\n", name, fs.Arg(0))
		return errUsage
	}
	return nil
}

func recommendEval(ctx context.Context, env Env, args []string) error {
	var ratingsPath, itemsPath, dataDir string
	var seed uint64
	var asJSON bool
	var split string
	var tune bool
	var hybridSplit string
	h := recommend.Hybrid{}
	err := parseOwn("recommend eval", args, env, func(fs *flag.FlagSet) {
		fs.StringVar(&dataDir, "data", "", "a MovieLens directory: ml-100k (u.data, u.item) or ml-latest-small (ratings.csv, movies.csv)")
		fs.StringVar(&ratingsPath, "ratings", "", "MovieLens ratings.csv (userId,movieId,rating,timestamp) or ml-100k's u.data, instead of --data")
		fs.StringVar(&itemsPath, "items", "", "MovieLens movies.csv (movieId,title,genres) or ml-100k's u.item, instead of --data")
		fs.Uint64Var(&seed, "seed", 1, "seed for the viewers sampled to tune the hybrid")
		fs.BoolVar(&asJSON, "json", false, "print the results as JSON")
		fs.StringVar(&split, "split", offline.SplitPerUser, "per-user: hold out each viewer's latest 20% (continuing a session); global-time: hold out everything after the 80th percentile of times (the next visit)")
		fs.StringVar(&hybridSplit, "hybrid-split", "", "the validation split the hybrid tunes on, per-user or global-time (default: --split's, as the baselines')")
		fs.BoolVar(&tune, "tune", true, "choose the item-kNN, EASE and RP3beta baselines' settings on a validation split of the training data (false: --k and --lambda, RP3beta's defaults)")
		fs.IntVar(&h.ItemKNN.K, "k", 100, "neighbours kept per item by item-kNN (the hybrid's, and the baseline's with --tune=false)")
		fs.Float64Var(&h.EASE.Lambda, "lambda", 400, "EASE L2 penalty")
		fs.IntVar(&h.EASE.MaxItems, "max-items", 2500, "EASE keeps only this many most-watched items (memory grows with its square)")
	})
	if err != nil {
		return err
	}
	if (dataDir == "") == (ratingsPath == "" || itemsPath == "") {
		fmt.Fprintln(env.Stderr, "marquee recommend eval: give --data, or --ratings and --items")
		return errUsage
	}
	if hybridSplit == "" {
		hybridSplit = split
	}
	for _, f := range [][2]string{{"split", split}, {"hybrid-split", hybridSplit}} {
		if f[1] != offline.SplitPerUser && f[1] != offline.SplitGlobalTime {
			fmt.Fprintf(env.Stderr, "marquee recommend eval: --%s must be %s or %s\n", f[0], offline.SplitPerUser, offline.SplitGlobalTime)
			return errUsage
		}
	}
	if h.ItemKNN.K <= 0 || h.EASE.Lambda <= 0 || h.EASE.MaxItems <= 0 {
		fmt.Fprintln(env.Stderr, "marquee recommend eval: --k, --lambda and --max-items must be positive")
		return errUsage
	}
	var items []recommend.Item
	var log []recommend.Interaction
	if dataDir != "" {
		items, log, err = offline.ReadDir(dataDir)
	} else {
		items, log, err = offline.ReadFiles(itemsPath, ratingsPath)
	}
	if err != nil {
		return err
	}
	d := recommend.NewData(items, log)
	fmt.Fprintf(env.Stderr, "%d ratings, %d viewers, %d items\n", len(log), len(d.UserIDs), len(d.Items))

	bar := func(stage string, frac float64) { drawBar(env.Stderr, stage, frac) }
	h.Seed, h.Progress = seed, bar
	// The hybrid tunes on a validation split carved as the test split is, like the
	// baselines, unless told otherwise.
	h.NextVisit = hybridSplit == offline.SplitGlobalTime
	models := []recommend.Model{&recommend.Popularity{}, &recommend.Popularity{Count: true}, &recommend.Content{}, &h}
	// A MovieLens catalog lists what was ever rated: a film exists from its first rating.
	o := offline.Options{Split: split, Progress: bar}
	if tune {
		o.Tune = baselineGrids(h.EASE.MaxItems)
	} else {
		models = append(models, &recommend.ItemKNN{K: h.ItemKNN.K}, &recommend.EASE{Lambda: h.EASE.Lambda, MaxItems: h.EASE.MaxItems}, &recommend.RP3Beta{})
	}
	start := time.Now()
	results, proto, err := offline.Evaluate(ctx, d, models, o)
	results = inOrder(results, "popularity", "popcount", "itemknn", "content", "ease", "rp3beta", "hybrid")
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "done in %s\n", time.Since(start).Round(100*time.Millisecond))
	if proto.Split == offline.SplitGlobalTime {
		fmt.Fprintf(env.Stderr, "global-time split at %s: %d viewers evaluated, %d with nothing after the cut, %d with nothing before it; %d held-out ratings of titles unknown at the cut left out\n",
			time.Unix(proto.Cut, 0).UTC().Format(time.DateTime), proto.Users, proto.NoTest, proto.New, proto.Unknown)
	}
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Ratings  int                `json:"ratings"`
			Users    int                `json:"users"`
			Items    int                `json:"items"`
			Seed     uint64             `json:"seed"`
			Protocol offline.Protocol   `json:"protocol"`
			Models   []offline.Result   `json:"models"`
			Weights  map[string]float64 `json:"hybridWeights"`
			Tuned    string             `json:"hybridSplit"`
		}{len(log), len(d.UserIDs), len(d.Items), seed, proto, results, h.Weights(), hybridSplit})
	}
	for _, r := range results {
		fmt.Fprintf(env.Stdout, "%-10s ndcg@10=%.4f recall@20=%.4f coverage=%.4f\n", r.Model, r.NDCG10, r.Recall20, r.Coverage)
	}
	for _, tr := range proto.Tuning {
		if tr.Chosen {
			fmt.Fprintf(env.Stderr, "tuned on validation: %s %s (ndcg@10=%.4f)\n", tr.Model, tr.Setting, tr.NDCG10)
		}
	}
	return nil
}

// baselineGrids are the settings tried for item-kNN, EASE and RP3beta.
func baselineGrids(easeItems int) []offline.Grid {
	var knn, ease, rp3 offline.Grid
	for _, k := range []int{50, 100, 200} {
		for _, shrink := range []float64{1, 10, 50} {
			knn = append(knn, offline.Setting{Label: fmt.Sprintf("k=%d shrink=%g", k, shrink), New: func() recommend.Model { return &recommend.ItemKNN{K: k, Shrink: shrink} }})
		}
	}
	for _, l := range []float64{100, 200, 400, 800, 1600} {
		ease = append(ease, offline.Setting{Label: fmt.Sprintf("lambda=%g", l), New: func() recommend.Model { return &recommend.EASE{Lambda: l, MaxItems: easeItems} }})
	}
	for _, a := range []float64{0.6, 0.8, 1} {
		for _, b := range []float64{0.3, 0.5, 0.7} {
			rp3 = append(rp3, offline.Setting{Label: fmt.Sprintf("alpha=%g beta=%g", a, b), New: func() recommend.Model { return &recommend.RP3Beta{Alpha: a, Beta: b} }})
		}
	}
	return []offline.Grid{knn, ease, rp3}
}

// inOrder lists results by model name in the given order, then any others.
func inOrder(results []offline.Result, names ...string) []offline.Result {
	out := make([]offline.Result, 0, len(results))
	for _, n := range names {
		for _, r := range results {
			if r.Model == n {
				out = append(out, r)
			}
		}
	}
	for _, r := range results {
		if !slices.Contains(names, r.Model) {
			out = append(out, r)
		}
	}
	return out
}

func recommendGen(env Env, args []string) error {
	var out string
	var o offline.GenOptions
	err := parseOwn("recommend gen", args, env, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "directory to write ratings.csv and movies.csv into (required)")
		fs.IntVar(&o.Users, "users", 2000, "viewers")
		fs.IntVar(&o.Items, "items", 1500, "titles")
		fs.IntVar(&o.Clusters, "clusters", 12, "latent taste clusters")
		fs.IntVar(&o.Ratings, "ratings", 60, "mean ratings per viewer")
		fs.Float64Var(&o.Follow, "follow", 0.2, "share of viewers who mostly follow popularity")
		fs.Float64Var(&o.Noise, "noise", 0.1, "share of random picks")
		fs.Float64Var(&o.NewRelease, "new-release", 4, "how much more a new release is picked at its release (1+N times, fading over two months); negative: no new-release effect")
		fs.Uint64Var(&o.Seed, "seed", 1, "random seed")
	})
	if err != nil {
		return err
	}
	switch {
	case out == "":
		fmt.Fprintln(env.Stderr, "marquee recommend gen: give --out DIR")
		return errUsage
	case o.Users <= 0 || o.Items < 30 || o.Clusters <= 0 || o.Ratings <= 0:
		fmt.Fprintln(env.Stderr, "marquee recommend gen: --users, --clusters and --ratings must be positive and --items at least 30")
		return errUsage
	case o.Follow < 0 || o.Follow > 1 || o.Noise < 0 || o.Noise > 1:
		fmt.Fprintln(env.Stderr, "marquee recommend gen: --follow and --noise are shares between 0 and 1")
		return errUsage
	}
	items, ratings := offline.Generate(o)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var rb, mb strings.Builder
	if err := offline.WriteMovieLens(&rb, &mb, items, ratings); err != nil {
		return err
	}
	for name, body := range map[string]string{"ratings.csv": rb.String(), "movies.csv": mb.String()} {
		if err := os.WriteFile(filepath.Join(out, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "ratings=%d users=%d items=%d\n", len(ratings), o.Users, o.Items)
	return nil
}

// drawBar redraws a one-line progress bar in place.
func drawBar(w io.Writer, stage string, frac float64) {
	const width = 30
	filled := int(frac * width)
	fmt.Fprintf(w, "\r[%s%s] %3d%% %-32s", strings.Repeat("#", filled), strings.Repeat("-", width-filled), int(frac*100), stage)
}
