package server_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/marquee-org/marquee/ent/credit"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/ent/user"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/graph"
)

// kidsHome is a household whose Kids profile shares a catalog with adult titles, and whose
// activity (some of it left over from when those titles were rated for children) points
// at them from every list a profile has.
type kidsHome struct {
	token  string // the login, watching as the Kids profile
	kid    string // the one title a Kids profile may see
	adults map[string]string
	// hidden holds the ids of every adult title and of their seasons, episodes, credits and
	// videos: none may come back.
	hidden map[string]bool
	// session is a playback session of the Kids profile, for endPlayback.
	session string
	// The adult series' season, episode and video.
	season, episode, video string
}

func atoi(t testing.TB, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// newKidsHome builds the household.
func newKidsHome(t *testing.T, e *env) *kidsHome {
	ctx := context.Background()
	c := e.store.Client
	admin := e.admin()
	mk := func(input string) string {
		r := e.gql(nil, `mutation { createTitle(input: {`+input+`}) { id } }`, nil, bearer(admin))
		require.Empty(t, r.Errors, r.Raw)
		return r.Data["createTitle"].(map[string]any)["id"].(string)
	}
	h := &kidsHome{adults: map[string]string{}, hidden: map[string]bool{}}
	h.kid = mk(`kind: MOVIE, name: "Puddle Jumpers", maturityRating: "G", genres: ["Adventure", "Family"], synopsis: "Frogs on an adventure"`)
	h.adults["Midnight Carnage"] = mk(`kind: MOVIE, name: "Midnight Carnage", maturityRating: "R", genres: ["Adventure", "Thriller"], synopsis: "An adventure after dark"`)
	h.adults["Unrated Cut"] = mk(`kind: MOVIE, name: "Unrated Cut", genres: ["Adventure"], synopsis: "An adventure nobody rated"`)
	h.adults["Teen Rebellion"] = mk(`kind: MOVIE, name: "Teen Rebellion", maturityRating: "TV-14", genres: ["Adventure", "Family"], synopsis: "An adventure for teenagers"`)
	h.adults["Carnage Files"] = mk(`kind: SERIES, name: "Carnage Files", maturityRating: "TV-MA", genres: ["Thriller"], synopsis: "A series for grown-ups"`)
	for _, id := range h.adults {
		h.hidden[id] = true
	}
	// The series' parts, each a node of its own.
	series := atoi(t, h.adults["Carnage Files"])
	season := c.Season.Create().SetTitleID(series).SetNumber(1).SetName("Season 1").SaveX(ctx)
	ep := c.Episode.Create().SetSeasonID(season.ID).SetNumber(1).SetName("Pilot").SaveX(ctx)
	person := c.Person.Create().SetName("Grim Actor").SaveX(ctx)
	credit := c.Credit.Create().SetTitleID(series).SetPersonID(person.ID).SetRole(credit.RoleCAST).SaveX(ctx)
	vid := c.Video.Create().SetTitleID(series).SetEpisodeID(ep.ID).SaveX(ctx)
	h.season, h.episode, h.video = strconv.Itoa(season.ID), strconv.Itoa(ep.ID), strconv.Itoa(vid.ID)
	for _, id := range []int{season.ID, ep.ID, credit.ID, vid.ID} {
		h.hidden[strconv.Itoa(id)] = true
	}

	h.token = e.viewer("household@example.com", "US", plancode.Standard)
	r := e.gql(nil, `mutation { createProfile(input: {name: "Kid", kids: true}) { id kids maturityCeiling } }`, nil, bearer(h.token))
	require.Empty(t, r.Errors, r.Raw)
	kidProfile := r.Data["createProfile"].(map[string]any)
	require.Equal(t, true, kidProfile["kids"])
	require.EqualValues(t, 12, kidProfile["maturityCeiling"])
	r = e.gql(nil, `mutation($id: ID!) { selectProfile(id: $id) { id } }`, map[string]any{"id": kidProfile["id"]}, bearer(h.token))
	require.Empty(t, r.Errors, r.Raw)

	// What the Kids profile did, and what was computed for it, on titles since rated for
	// adults: My List, progress (Continue Watching), a rating, recommendations, a Because
	// You Watched source; and popularity everywhere, so that trending would show them.
	account := c.User.Query().Where(user.Email("household@example.com")).OnlyX(ctx).ID
	kp := atoi(t, kidProfile["id"].(string))
	kid := atoi(t, h.kid)
	for name, s := range h.adults {
		id := atoi(t, s)
		c.MyListItem.Create().SetUserID(account).SetProfileID(kp).SetTitleID(id).ExecX(ctx)
		c.WatchProgress.Create().SetUserID(account).SetProfileID(kp).SetTitleID(id).SetVideoID(-id).
			SetPositionSeconds(30).SetDurationSeconds(100).ExecX(ctx)
		c.Rating.Create().SetUserID(account).SetProfileID(kp).SetTitleID(id).SetStars(5).ExecX(ctx)
		c.Recommendation.Create().SetKind(recommendation.KindRECOMMENDED).SetUserID(account).SetProfileID(kp).
			SetTitleID(id).SetRank(1).SetScore(1).ExecX(ctx)
		c.Recommendation.Create().SetKind(recommendation.KindBECAUSE_YOU_WATCHED).SetUserID(account).SetProfileID(kp).
			SetSourceTitleID(id).SetTitleID(kid).SetRank(1).SetScore(1).SetReason("Because you watched " + name).ExecX(ctx)
		c.Recommendation.Create().SetKind(recommendation.KindSIMILAR).SetSourceTitleID(kid).
			SetTitleID(id).SetRank(1).SetScore(1).ExecX(ctx)
		for range 5 {
			c.ViewEvent.Create().SetTitleID(id).SetKind(viewevent.KindPLAY).ExecX(ctx)
		}
	}
	ps := c.PlaybackSession.Create().SetUserID(account).SetProfileID(kp).SetTitleID(kid).SetVideoID(0).
		SetMaxHeight(1080).SetExpiresAt(time.Now().Add(time.Hour)).SaveX(ctx)
	h.session = strconv.Itoa(ps.ID)

	// Search indexes titles as they are written: wait until the adult titles are findable by
	// whoever may see them.
	require.Eventually(t, func() bool {
		r := e.gql(nil, `{ search(query: "adventure", first: 50) { totalCount } }`, nil, bearer(admin))
		return len(r.Errors) == 0 && r.Data["search"].(map[string]any)["totalCount"].(float64) == 4
	}, 10*time.Second, 50*time.Millisecond)
	return h
}

// kidsCall is one request the walk sends as the Kids profile. wantKid: the answer must
// hold the title a Kids profile may see, so that the call is known to reach titles at all.
type kidsCall struct {
	query   string
	wantKid bool
}

// kidsCalls are the requests the walk sends, between them selecting every field of the
// schema that can lead to a title.
func (h *kidsHome) kidsCalls() []kidsCall {
	var adultIDs []string
	for _, id := range h.adults {
		adultIDs = append(adultIDs, strconv.Quote(id))
	}
	slices.Sort(adultIDs)
	var hiddenIDs []string
	for id := range h.hidden {
		hiddenIDs = append(hiddenIDs, strconv.Quote(id))
	}
	slices.Sort(hiddenIDs)
	title := `id name seasons { id title { id } episodes { id video { id title { id } } season { id title { id } } } }
		credits { id title { id } } video { id title { id } } progress { episode { id season { title { id } } } }
		similar(first: 20) { id name }`
	conn := `totalCount edges { node { id name } }`
	kid := strconv.Quote(h.kid)
	var calls []kidsCall
	add := func(wantKid bool, q string, args ...any) {
		calls = append(calls, kidsCall{query: fmt.Sprintf(q, args...), wantKid: wantKid})
	}
	add(true, `{ feed { rows { slug kind basedOn { id name } titles(first: 10) { %s } } } }`, conn)
	add(true, `{ categories(first: 20) { edges { node { slug basedOn { id } titles(first: 10) { %s } } } } }`, conn)
	for _, slug := range []string{"continue-watching", "my-list", "trending", "new-releases", "recommended",
		"because-you-watched", "adventure", "thriller", "family"} {
		add(slug == "new-releases" || slug == "adventure", `{ category(slug: %q) { basedOn { id } titles(first: 10) { %s } } }`, slug, conn)
	}
	add(true, `{ kid: title(id: %s) { %s } }`, kid, title)
	for _, id := range adultIDs {
		add(false, `{ title(id: %s) { %s } }`, id, title)
	}
	add(true, `{ nodes(ids: [%s, %s]) { id ... on Title { id name } ... on Season { title { id } episodes { id } }
		... on Episode { season { title { id } } } ... on Credit { title { id } } ... on Video { title { id } } } }`,
		kid, strings.Join(hiddenIDs, ", "))
	for _, id := range append([]string{kid}, hiddenIDs...) {
		add(id == kid, `{ node(id: %s) { id ... on Title { %s } ... on Season { title { id } } ... on Episode { season { id } }
			... on Credit { title { id } } ... on Video { title { id } } } }`, id, title)
	}
	for _, q := range []string{"adventure", "midnight", "carnage", "unrated", "rebellion", "grim", "thriller"} {
		add(q == "adventure", `{ search(query: %q, first: 50) { genreFacets { slug count } %s } }`, q, conn)
	}
	add(false, `{ search(query: "adventure", first: 50, filter: {genre: "thriller"}) { genreFacets { slug count } %s } }`, conn)
	for _, id := range append([]string{kid}, adultIDs...) {
		add(id == kid, `mutation { addToMyList(titleId: %s) { id } }`, id)
		add(id == kid, `mutation { rateTitle(titleId: %s, stars: 4) { id } }`, id)
		add(id == kid, `mutation { removeFromMyList(titleId: %s) { id } }`, id)
		add(false, `mutation { startPlayback(input: {titleId: %s}) { id title { id } episode { season { title { id } } } } }`, id)
	}
	add(false, `mutation { endPlayback(sessionId: %q) { title { %s } episode { season { title { id } } } } }`, h.session, title)
	// Administrators' mutations, refused to a viewer.
	for _, id := range adultIDs {
		add(false, `mutation { updateTitle(id: %s, input: {name: "Renamed"}) { id } }`, id)
		add(false, `mutation($f: Upload!) { uploadArtwork(titleId: %s, kind: POSTER, file: $f) { id } }`, id)
		add(false, `mutation($f: Upload!) { uploadVideo(titleId: %s, file: $f) { id title { id } } }`, id)
	}
	add(false, `{ titles(first: 50) { %s } }`, conn) // for administrators and API keys
	add(false, `mutation { createTitle(input: {kind: MOVIE, name: "New"}) { id } }`)
	add(false, `mutation { createSeason(input: {titleId: %s, number: 2}) { id title { id } } }`, h.adults["Carnage Files"])
	add(false, `mutation { updateSeason(id: %s, input: {name: "S"}) { id title { id } } }`, h.season)
	add(false, `mutation { createEpisode(input: {seasonId: %s, number: 2, name: "E"}) { id season { title { id } } } }`, h.season)
	add(false, `mutation { updateEpisode(id: %s, input: {name: "E"}) { id season { title { id } } video { id } } }`, h.episode)
	add(false, `mutation { setVideoMarkers(videoId: %s, input: {introStart: 1}) { id title { id } } }`, h.video)
	return calls
}

// TestKidsProfileSeesNoAdultTitle reads the schema by introspection, finds every field that
// can lead to a title, checks that the calls below select each of them, and sends them as a
// Kids profile over a catalog with adult titles: none may come back, by id or by name.
func TestKidsProfileSeesNoAdultTitle(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		h := newKidsHome(t, e)
		calls := h.kidsCalls()

		// Every field that returns a title, or something that holds one, must be selected
		// by some call: a new field fails here until a call covers it.
		leads := titleFields(t, e)
		require.NotEmpty(t, leads)
		schema := graph.NewExecutableSchema(graph.Config{}).Schema()
		covered := map[string]bool{}
		for _, c := range calls {
			doc, errs := gqlparser.LoadQuery(schema, c.query)
			require.Empty(t, errs, c.query)
			for _, op := range doc.Operations {
				selected(op.SelectionSet, covered)
			}
		}
		var missing []string
		for _, f := range leads {
			if !covered[f] {
				missing = append(missing, f)
			}
		}
		require.Empty(t, missing, "fields that lead to titles but no call of this test selects: add calls for them")

		for _, c := range calls {
			r := e.gql(nil, c.query, nil, bearer(h.token))
			for name := range h.adults {
				require.NotContains(t, r.Raw, name, "adult title in %s: %s", c.query, r.Raw)
			}
			for _, id := range ids(r.Data) {
				require.False(t, h.hidden[id], "adult title (or a part of one) %s in %s: %s", id, c.query, r.Raw)
			}
			if c.wantKid {
				require.Contains(t, ids(r.Data), h.kid, "the call must reach titles: %s: %s", c.query, r.Raw)
			}
			e.requireNoLeak(r)
		}

		// Facets count only what the profile may see.
		r := e.gql(nil, `{ search(query: "adventure") { totalCount genreFacets { slug count } } }`, nil, bearer(h.token))
		require.Empty(t, r.Errors, r.Raw)
		require.EqualValues(t, 1, r.Data["search"].(map[string]any)["totalCount"], r.Raw)
		for _, f := range r.Data["search"].(map[string]any)["genreFacets"].([]any) {
			require.Contains(t, []string{"adventure", "family"}, f.(map[string]any)["slug"], r.Raw)
			require.EqualValues(t, 1, f.(map[string]any)["count"], r.Raw)
		}

		// The refusals name the rule.
		r = e.start(h.token, h.adults["Midnight Carnage"])
		require.Equal(t, "MATURITY_RESTRICTED", r.code(), r.Raw)
		r = e.gql(nil, `mutation($t: ID!) { addToMyList(titleId: $t) { id } }`, map[string]any{"t": h.adults["Midnight Carnage"]}, bearer(h.token))
		require.Equal(t, "NOT_FOUND", r.code(), r.Raw)
	})
}

// titleFields reads the schema by introspection and returns, as Type.field, every field of
// an object type whose type holds a title, directly or through other types.
func titleFields(t *testing.T, e *env) []string {
	t.Helper()
	r := e.gql(nil, `{ __schema { types { name kind possibleTypes { name }
		fields { name type { name kind ofType { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } } }`, nil)
	require.Empty(t, r.Errors, r.Raw)
	type typ struct {
		kind     string
		fields   map[string]string // field → named type
		possible []string
	}
	types := map[string]*typ{}
	for _, raw := range r.Data["__schema"].(map[string]any)["types"].([]any) {
		m := raw.(map[string]any)
		name := m["name"].(string)
		if strings.HasPrefix(name, "__") {
			continue
		}
		tp := &typ{kind: m["kind"].(string), fields: map[string]string{}}
		if fs, ok := m["fields"].([]any); ok {
			for _, f := range fs {
				fm := f.(map[string]any)
				tp.fields[fm["name"].(string)] = named(fm["type"].(map[string]any))
			}
		}
		if ps, ok := m["possibleTypes"].([]any); ok {
			for _, p := range ps {
				tp.possible = append(tp.possible, p.(map[string]any)["name"].(string))
			}
		}
		types[name] = tp
	}
	holds := map[string]bool{"Title": true}
	for changed := true; changed; {
		changed = false
		for name, tp := range types {
			if holds[name] {
				continue
			}
			for _, ft := range tp.fields {
				holds[name] = holds[name] || holds[ft]
			}
			for _, p := range tp.possible {
				holds[name] = holds[name] || holds[p]
			}
			changed = changed || holds[name]
		}
	}
	var out []string
	for name, tp := range types {
		if tp.kind != "OBJECT" {
			continue
		}
		for f, ft := range tp.fields {
			if holds[ft] {
				out = append(out, name+"."+f)
			}
		}
	}
	sort.Strings(out)
	return out
}

// named unwraps NON_NULL and LIST to the named type.
func named(t map[string]any) string {
	for t["name"] == nil {
		t = t["ofType"].(map[string]any)
	}
	return t["name"].(string)
}

// selected records, as Type.field, every field a selection set selects.
func selected(set ast.SelectionSet, into map[string]bool) {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if s.ObjectDefinition != nil {
				into[s.ObjectDefinition.Name+"."+s.Name] = true
			}
			selected(s.SelectionSet, into)
		case *ast.InlineFragment:
			selected(s.SelectionSet, into)
		case *ast.FragmentSpread:
			selected(s.Definition.SelectionSet, into)
		}
	}
}

// ids returns every value of an "id" key in v, at any depth.
func ids(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "id" {
				out = append(out, s)
			}
			out = append(out, ids(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, ids(x)...)
		}
	}
	return out
}
