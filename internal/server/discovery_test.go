package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/schema/plancode"
)

// TestDiscoveryOverGraphQL walks an integrator through the catalog: titles created by
// an administrator become searchable on their own (through the broker), with typos and
// prefixes; filters and facets; title detail with the viewer's fields; My List and
// ratings; categories; and every bad input gets a typed error.
func TestDiscoveryOverGraphQL(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		admin := e.admin()
		create := func(input string) string {
			r := e.gql(nil, `mutation { createTitle(input: {`+input+`}) { id } }`, nil, bearer(admin))
			require.Empty(t, r.Errors, r.Raw)
			return r.Data["createTitle"].(map[string]any)["id"].(string)
		}
		lighthouse := create(`kind: MOVIE, name: "The Lighthouse Keeper", year: 2024, genres: ["Drama", "Mystery"],
			synopsis: "A keeper counts ships that never arrive."`)
		create(`kind: SERIES, name: "Harbor Lights", year: 2019, genres: ["Drama"], synopsis: "Dockworkers and their secrets."`)
		create(`kind: MOVIE, name: "Orbit", year: 2025, genres: ["Sci-Fi"], synopsis: "A lighthouse in space guides lost ships."`)
		create(`kind: MOVIE, name: "Le Phare", year: 2022, genres: ["Drama"], regions: ["FR"], synopsis: "A lighthouse on the Breton coast."`)
		tok := e.viewer("finder@example.com", "US", plancode.Basic)

		const searchQ = `query($q: String!, $f: SearchFilter, $first: Int) { search(query: $q, filter: $f, first: $first) {
			totalCount edges { node { name } } genreFacets { slug name count } pageInfo { hasNextPage } } }`
		names := func(r *gqlResponse) []string {
			var out []string
			for _, edge := range r.Data["search"].(map[string]any)["edges"].([]any) {
				out = append(out, edge.(map[string]any)["node"].(map[string]any)["name"].(string))
			}
			return out
		}
		find := func(q string, f map[string]any) *gqlResponse {
			r := e.gql(nil, searchQ, map[string]any{"q": q, "f": f}, bearer(tok))
			require.Empty(t, r.Errors, r.Raw)
			return r
		}
		// The index follows the catalog through the broker: new titles show up on their own.
		require.Eventually(t, func() bool { return len(names(find("lighthouse", nil))) == 2 }, 5*time.Second, 50*time.Millisecond)
		require.Equal(t, []string{"The Lighthouse Keeper", "Orbit"}, names(find("lighthouse", nil)), "name matches rank above synopsis matches; Le Phare is French-only")
		require.Equal(t, []string{"The Lighthouse Keeper", "Orbit"}, names(find("ligthhouse", nil)), "a transposition is one typo")
		require.Equal(t, []string{"Harbor Lights"}, names(find("harb", nil)), "prefix as you type")
		require.Equal(t, []string{"Orbit"}, names(find("lighthouse", map[string]any{"genre": "sci-fi"})))
		require.Equal(t, []string{"The Lighthouse Keeper"}, names(find("lighthouse", map[string]any{"yearTo": 2024, "kind": "MOVIE"})))
		facets := find("lighthouse", nil).Data["search"].(map[string]any)["genreFacets"].([]any)
		require.Contains(t, facets, map[string]any{"slug": "drama", "name": "Drama", "count": float64(1)})
		require.Empty(t, names(find("", nil)), "an empty query finds nothing")
		for _, syntax := range []string{`+orbit`, `"orbit`, `orb*`, `(orbit)`, `orbit~`, `-orbit`, `orbit:`} {
			r := find(syntax, nil)
			require.Equal(t, []string{"Orbit"}, names(r), syntax)
		}
		require.Empty(t, names(find(`name:orbit`, nil)), "every word must match, and name: is a word, not a field")
		r := e.gql(nil, searchQ, map[string]any{"q": strings.Repeat("lighthouse ", 1000)}, bearer(tok))
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		r = e.gql(nil, searchQ, map[string]any{"q": "lighthouse", "first": 101}, bearer(tok))
		require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		require.Equal(t, "first", r.Errors[0].Extensions["field"])

		// Title detail with the viewer's own fields, My List and ratings.
		const detail = `query($id: ID!) { title(id: $id) { name genres averageRating ratingCount myRating inMyList
			availableInMyRegion progress { fraction } seasons { number } video { id } similar(first: 5) { name } } }`
		r = e.gql(nil, `mutation($id: ID!) { addToMyList(titleId: $id) { inMyList } }`, map[string]any{"id": lighthouse}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, true, r.Data["addToMyList"].(map[string]any)["inMyList"])
		r = e.gql(nil, `mutation($id: ID!) { rateTitle(titleId: $id, stars: 4) { averageRating myRating } }`, map[string]any{"id": lighthouse}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, map[string]any{"averageRating": 4.0, "myRating": float64(4)}, r.Data["rateTitle"])
		r = e.gql(nil, detail, map[string]any{"id": lighthouse}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		got := r.Data["title"].(map[string]any)
		require.Equal(t, []any{"Drama", "Mystery"}, got["genres"])
		require.Equal(t, true, got["inMyList"])
		require.Equal(t, true, got["availableInMyRegion"])
		require.EqualValues(t, 1, got["ratingCount"])
		require.Nil(t, got["progress"])
		require.Equal(t, []any{}, got["seasons"])

		r = e.gql(nil, `{ feed { rows { kind slug titles { totalCount edges { node { name } } } } } }`, nil, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		rows := r.Data["feed"].(map[string]any)["rows"].([]any)
		require.Equal(t, "MY_LIST", rows[0].(map[string]any)["kind"])
		require.NotContains(t, r.Raw, "Le Phare", "region-limited titles never appear elsewhere")

		r = e.gql(nil, `{ categories(first: 50) { totalCount edges { node { slug kind } } } }`, nil)
		require.Empty(t, r.Errors, r.Raw)
		require.NotContains(t, r.Raw, `"my-list"`, "anonymous visitors have no personal categories")
		require.Contains(t, r.Raw, `"slug":"drama"`)
		r = e.gql(nil, `{ category(slug: "drama") { name titles(first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } } }`, nil, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		page := r.Data["category"].(map[string]any)["titles"].(map[string]any)
		require.EqualValues(t, 2, page["totalCount"], "Le Phare is not in the US viewer's Drama")
		require.Equal(t, true, page["pageInfo"].(map[string]any)["hasNextPage"])
		next := e.gql(nil, `query($a: Cursor) { category(slug: "drama") { titles(first: 1, after: $a) { edges { node { name } } pageInfo { hasNextPage } } } }`,
			map[string]any{"a": page["pageInfo"].(map[string]any)["endCursor"]}, bearer(tok))
		require.Empty(t, next.Errors, next.Raw)
		require.NotEqual(t, page["edges"], next.Data["category"].(map[string]any)["titles"].(map[string]any)["edges"])

		// Unknown ids and slugs, and stars out of range.
		r = e.gql(nil, `{ category(slug: "no-such-thing") { name } title(id: 999999) { name } }`, nil, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		require.Nil(t, r.Data["category"])
		require.Nil(t, r.Data["title"])
		for _, stars := range []int{0, 6} {
			r = e.gql(nil, `mutation($id: ID!, $s: Int!) { rateTitle(titleId: $id, stars: $s) { id } }`, map[string]any{"id": lighthouse, "s": stars}, bearer(tok))
			require.Equal(t, "BAD_USER_INPUT", r.code(), r.Raw)
		}
		r = e.gql(nil, `mutation { addToMyList(titleId: 999999) { id } }`, nil, bearer(tok))
		require.Equal(t, "NOT_FOUND", r.code(), r.Raw)
		r = e.gql(nil, `mutation($id: ID!) { addToMyList(titleId: $id) { id } }`, map[string]any{"id": lighthouse})
		require.Equal(t, "UNAUTHENTICATED", r.code(), r.Raw)
	})
}
