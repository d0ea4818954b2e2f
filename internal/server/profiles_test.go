package server_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent/mylistitem"
	"github.com/marquee-org/marquee/ent/rating"
	"github.com/marquee-org/marquee/ent/recommendation"
	"github.com/marquee-org/marquee/ent/schema/plancode"
)

const profileFields = `id name kids maturityCeiling language hasPin`

func (e *env) createProfile(token string, in map[string]any) *gqlResponse {
	e.t.Helper()
	return e.gql(nil, `mutation($in: CreateProfileInput!) { createProfile(input: $in) { `+profileFields+` } }`,
		map[string]any{"in": in}, bearer(token))
}

func (e *env) updateProfile(token, id string, in map[string]any) *gqlResponse {
	e.t.Helper()
	return e.gql(nil, `mutation($id: ID!, $in: UpdateProfileInput!) { updateProfile(id: $id, input: $in) { `+profileFields+` } }`,
		map[string]any{"id": id, "in": in}, bearer(token))
}

func (e *env) selectProfile(token, id string, pin ...string) *gqlResponse {
	e.t.Helper()
	vars := map[string]any{"id": id}
	if len(pin) > 0 {
		vars["pin"] = pin[0]
	}
	return e.gql(nil, `mutation($id: ID!, $pin: String) { selectProfile(id: $id, pin: $pin) { `+profileFields+` } }`, vars, bearer(token))
}

func (e *env) deleteProfile(token, id string, password ...string) *gqlResponse {
	e.t.Helper()
	vars := map[string]any{"id": id}
	if len(password) > 0 {
		vars["p"] = password[0]
	}
	return e.gql(nil, `mutation($id: ID!, $p: String) { deleteProfile(id: $id, password: $p) }`, vars, bearer(token))
}

// field digests a response: the object at data[name], failing on errors.
func field(t *testing.T, r *gqlResponse, name string) map[string]any {
	t.Helper()
	require.Empty(t, r.Errors, r.Raw)
	m, _ := r.Data[name].(map[string]any)
	return m
}

// whoIsWatching is me.profile's id, or "" without one.
func (e *env) whoIsWatching(token string) string {
	e.t.Helper()
	me := field(e.t.(*testing.T), e.gql(nil, `{ me { profile { id } } }`, nil, bearer(token)), "me")
	p, _ := me["profile"].(map[string]any)
	if p == nil {
		return ""
	}
	return p["id"].(string)
}

func TestHouseholdProfiles(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.admin()
		r := e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Shared Film", maturityRating: "PG"}) { id } }`, nil, bearer(admin))
		film := field(t, r, "createTitle")["id"].(string)

		// A new account has one profile, the login watches as it.
		token := e.viewer("home@example.com", "US", plancode.Standard)
		r = e.gql(nil, `{ profiles { `+profileFields+` } }`, nil, bearer(token))
		require.Empty(t, r.Errors, r.Raw)
		profiles := r.Data["profiles"].([]any)
		require.Len(t, profiles, 1)
		owner := profiles[0].(map[string]any)
		require.Equal(t, "V", owner["name"])
		require.EqualValues(t, 18, owner["maturityCeiling"])
		require.Equal(t, false, owner["hasPin"])
		ownerID := owner["id"].(string)
		require.Equal(t, ownerID, e.whoIsWatching(token))

		// Bad input first: names, ceilings, languages, PINs.
		for _, in := range []map[string]any{
			{"name": "  "},
			{},
			{"name": "Kid", "kids": true, "maturityCeiling": 16},
			{"name": "Old", "maturityCeiling": 21},
			{"name": "Lang", "language": "english please"},
			{"name": "Pin", "pin": "12a4"},
		} {
			r := e.createProfile(token, in)
			require.NotEmpty(t, r.Errors, "%v", in)
			require.Contains(t, []string{"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}, r.code(), r.Raw)
		}

		kid := field(t, e.createProfile(token, map[string]any{"name": "Kid", "kids": true}), "createProfile")
		require.EqualValues(t, 12, kid["maturityCeiling"])
		kidID := kid["id"].(string)
		for _, name := range []string{"Two", "Three", "Four"} {
			field(t, e.createProfile(token, map[string]any{"name": name, "language": "pt-BR"}), "createProfile")
		}
		r = e.createProfile(token, map[string]any{"name": "Six"})
		require.Equal(t, "BAD_USER_INPUT", r.code(), "a sixth profile: %s", r.Raw)

		// Another account's profiles do not exist for this one.
		other := e.viewer("other@example.com", "US", "")
		require.Equal(t, "NOT_FOUND", e.selectProfile(other, ownerID).code())
		require.Equal(t, "NOT_FOUND", e.updateProfile(other, ownerID, map[string]any{"name": "Mine"}).code())
		require.Equal(t, "NOT_FOUND", e.deleteProfile(other, kidID).code())

		// Activity belongs to the profile: the owner's list and rating are not the kid's.
		q := `query($t: ID!) { title(id: $t) { inMyList myRating } }`
		require.Empty(t, e.gql(nil, `mutation($t: ID!) { addToMyList(titleId: $t) { id } }`, map[string]any{"t": film}, bearer(token)).Errors)
		require.Empty(t, e.gql(nil, `mutation($t: ID!) { rateTitle(titleId: $t, stars: 5) { id } }`, map[string]any{"t": film}, bearer(token)).Errors)
		mine := field(t, e.gql(nil, q, map[string]any{"t": film}, bearer(token)), "title")
		require.Equal(t, true, mine["inMyList"])
		require.EqualValues(t, 5, mine["myRating"])

		field(t, e.selectProfile(token, kidID), "selectProfile")
		require.Equal(t, kidID, e.whoIsWatching(token))
		theirs := field(t, e.gql(nil, q, map[string]any{"t": film}, bearer(token)), "title")
		require.Equal(t, false, theirs["inMyList"])
		require.Nil(t, theirs["myRating"])
		require.Empty(t, e.gql(nil, `mutation($t: ID!) { addToMyList(titleId: $t) { id } }`, map[string]any{"t": film}, bearer(token)).Errors)

		// A Kids profile manages nothing.
		require.Equal(t, "FORBIDDEN", e.createProfile(token, map[string]any{"name": "Sneaky"}).code())
		require.Equal(t, "FORBIDDEN", e.updateProfile(token, kidID, map[string]any{"kids": false, "password": "correct horse battery"}).code())
		require.Equal(t, "FORBIDDEN", e.deleteProfile(token, ownerID).code())

		// Back to the owner, who locks their profile: that needs the account password.
		field(t, e.selectProfile(token, ownerID), "selectProfile")
		require.Equal(t, "BAD_USER_INPUT", e.updateProfile(token, ownerID, map[string]any{"pin": "2468"}).code())
		require.Equal(t, "INVALID_CREDENTIALS", e.updateProfile(token, ownerID, map[string]any{"pin": "2468", "password": "wrong password!"}).code())
		require.Equal(t, "BAD_USER_INPUT", e.updateProfile(token, kidID, map[string]any{"maturityCeiling": 18, "password": "correct horse battery"}).code(),
			"a Kids profile's ceiling stays at 12")
		locked := field(t, e.updateProfile(token, ownerID, map[string]any{"pin": "2468", "password": "correct horse battery"}), "updateProfile")
		require.Equal(t, true, locked["hasPin"])
		renamed := field(t, e.updateProfile(token, ownerID, map[string]any{"name": "Parent"}), "updateProfile")
		require.Equal(t, "Parent", renamed["name"], "a name needs no password")

		// Entering the locked profile needs its PIN, from a Kids profile too.
		field(t, e.selectProfile(token, kidID), "selectProfile")
		require.Equal(t, "PIN_REQUIRED", e.selectProfile(token, ownerID).code())
		require.Equal(t, "PIN_REQUIRED", e.selectProfile(token, ownerID, "1357").code())
		require.Equal(t, kidID, e.whoIsWatching(token), "a refused switch changes nothing")
		field(t, e.selectProfile(token, ownerID, "2468"), "selectProfile")
		require.Equal(t, ownerID, e.whoIsWatching(token))

		// A new login of an account whose first profile is locked watches as no one until it
		// chooses: no personal rows, no activity, only titles for all ages.
		r = e.gql(nil, `mutation { login(input: {email: "home@example.com", password: "correct horse battery"}) { token profile { id } } }`, nil)
		login := field(t, r, "login")
		require.Nil(t, login["profile"])
		fresh := login["token"].(string)
		require.Equal(t, "", e.whoIsWatching(fresh))
		require.Equal(t, "PIN_REQUIRED", e.gql(nil, `mutation($t: ID!) { addToMyList(titleId: $t) { id } }`, map[string]any{"t": film}, bearer(fresh)).code())
		require.Equal(t, "PIN_REQUIRED", e.start(fresh, film).code())
		require.Nil(t, e.gql(nil, q, map[string]any{"t": film}, bearer(fresh)).Data["title"], "a PG title is not for everyone")
		field(t, e.selectProfile(fresh, kidID), "selectProfile")
		require.Equal(t, kidID, e.whoIsWatching(fresh))
		require.Equal(t, ownerID, e.whoIsWatching(token), "each login has its own profile")

		// Deleting a profile erases its activity; the owner's stays. The last one stays.
		kidNum := atoi(t, kidID)
		require.Equal(t, 1, e.store.Client.MyListItem.Query().Where(mylistitem.ProfileID(kidNum)).CountX(ctx))
		r = e.deleteProfile(token, kidID)
		require.Empty(t, r.Errors, r.Raw)
		require.Equal(t, true, r.Data["deleteProfile"])
		require.Equal(t, 0, e.store.Client.MyListItem.Query().Where(mylistitem.ProfileID(kidNum)).CountX(ctx))
		require.Equal(t, 1, e.store.Client.Rating.Query().Where(rating.ProfileID(atoi(t, ownerID))).CountX(ctx))
		require.Equal(t, "", e.whoIsWatching(fresh), "a login on a deleted profile watches as no one")
		r = e.gql(nil, `{ profiles { id } }`, nil, bearer(token))
		for _, p := range r.Data["profiles"].([]any) {
			if id := p.(map[string]any)["id"].(string); id != ownerID {
				require.Equal(t, true, e.deleteProfile(token, id).Data["deleteProfile"])
			}
		}
		require.Equal(t, "BAD_USER_INPUT", e.deleteProfile(token, ownerID).code(), "the last profile stays")
	})
}

func TestProfilePINIsThrottled(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		token := e.viewer("guess@example.com", "US", "")
		locked := field(t, e.createProfile(token, map[string]any{"name": "Locked", "pin": "9021"}), "createProfile")
		require.Equal(t, true, locked["hasPin"])
		id := locked["id"].(string)
		rs := e.gqlParallel(12, func(i int) *http.Request {
			return e.gqlRequest(`mutation($id: ID!, $pin: String) { selectProfile(id: $id, pin: $pin) { id } }`,
				map[string]any{"id": id, "pin": fmt.Sprintf("%04d", i)}, bearer(token))
		})
		n := codes(rs)
		require.LessOrEqual(t, n["PIN_REQUIRED"], 5, "%v", n)
		require.Equal(t, 12, n["PIN_REQUIRED"]+n["RATE_LIMITED"], "%v", n)
		require.Equal(t, "RATE_LIMITED", e.selectProfile(token, id, "9021").code(), "the right PIN waits too once throttled")
	})
}

// A stream keeps the profile that started it: switching the login to another profile
// meanwhile leaves its heartbeat and its progress where they were.
func TestSwitchingProfileDuringPlayback(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.startWorkers()
		admin := e.admin()
		movie := e.readyTitle(admin, `kind: MOVIE, name: "Family Film", maturityRating: "PG"`)
		tok := e.viewer("switch@example.com", "US", plancode.Standard)
		owner := e.whoIsWatching(tok)
		kid := field(t, e.createProfile(tok, map[string]any{"name": "Kid", "kids": true}), "createProfile")["id"].(string)

		r := e.start(tok, movie)
		require.Empty(t, r.Errors, r.Raw)
		sid := r.Data["startPlayback"].(map[string]any)["id"]
		beat := e.heartbeats(tok, sid)
		require.Equal(t, "ACTIVE", beat()["status"])

		field(t, e.selectProfile(tok, kid), "selectProfile")
		r = e.gql(nil, `mutation($s: ID!) { reportProgress(input: {sessionId: $s, positionSeconds: 1.5}) }`, map[string]any{"s": sid}, bearer(tok))
		require.Empty(t, r.Errors, r.Raw)
		for range 2 {
			require.Equal(t, "ACTIVE", beat()["status"], "the heartbeat goes on")
		}
		ps := e.store.Client.WatchProgress.Query().AllX(ctx)
		require.Len(t, ps, 1)
		require.Equal(t, atoi(t, owner), ps[0].ProfileID, "progress stays with the profile that started the stream")

		// The kid's own Continue Watching is empty; the owner's has the film.
		cw := `{ category(slug: "continue-watching") { titles { totalCount } } }`
		require.EqualValues(t, 0, field(t, e.gql(nil, cw, nil, bearer(tok)), "category")["titles"].(map[string]any)["totalCount"])
		field(t, e.selectProfile(tok, owner), "selectProfile")
		require.EqualValues(t, 1, field(t, e.gql(nil, cw, nil, bearer(tok)), "category")["titles"].(map[string]any)["totalCount"])
	})
}

// A title whose rating rises above a Kids profile's ceiling leaves its lists at once.
func TestReratedTitleLeavesKidsLists(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.admin()
		film := field(t, e.gql(nil, `mutation { createTitle(input: {kind: MOVIE, name: "Borderline", maturityRating: "PG"}) { id } }`,
			nil, bearer(admin)), "createTitle")["id"].(string)
		tok := e.viewer("rerated@example.com", "US", "")
		kid := field(t, e.createProfile(tok, map[string]any{"name": "Kid", "kids": true}), "createProfile")["id"].(string)
		field(t, e.selectProfile(tok, kid), "selectProfile")
		require.Empty(t, e.gql(nil, `mutation($t: ID!) { addToMyList(titleId: $t) { id } }`, map[string]any{"t": film}, bearer(tok)).Errors)
		acct := e.store.Client.Profile.GetX(ctx, atoi(t, kid)).UserID
		e.store.Client.WatchProgress.Create().SetUserID(acct).SetProfileID(atoi(t, kid)).SetTitleID(atoi(t, film)).
			SetVideoID(1).SetPositionSeconds(30).SetDurationSeconds(100).ExecX(ctx)

		count := func(slug string) any {
			r := e.gql(nil, `query($s: String!) { category(slug: $s) { titles { totalCount } } }`, map[string]any{"s": slug}, bearer(tok))
			return field(t, r, "category")["titles"].(map[string]any)["totalCount"]
		}
		require.EqualValues(t, 1, count("my-list"))
		require.EqualValues(t, 1, count("continue-watching"))

		r := e.gql(nil, `mutation($t: ID!) { updateTitle(id: $t, input: {maturityRating: "R"}) { maturityAge } }`, map[string]any{"t": film}, bearer(admin))
		require.EqualValues(t, 17, field(t, r, "updateTitle")["maturityAge"])
		require.EqualValues(t, 0, count("my-list"))
		require.EqualValues(t, 0, count("continue-watching"))
		r = e.gql(nil, `{ feed { rows { kind titles { edges { node { id } } } } } }`, nil, bearer(tok))
		require.NotContains(t, ids(field(t, r, "feed")), film)
	})
}

// Opened by its slug, a Because You Watched row names its title in every field, however
// the fields are resolved (they run at once).
func TestBecauseYouWatchedOpenedAsACategory(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.admin()
		mk := func(name string) string {
			r := e.gql(nil, `mutation($n: String!) { createTitle(input: {kind: MOVIE, name: $n, maturityRating: "PG"}) { id } }`,
				map[string]any{"n": name}, bearer(admin))
			return field(t, r, "createTitle")["id"].(string)
		}
		source, pick := mk("The Source"), mk("The Pick")
		tok := e.viewer("because@example.com", "US", "")
		p := e.store.Client.Profile.GetX(ctx, atoi(t, e.whoIsWatching(tok)))
		e.store.Client.Recommendation.Create().SetKind(recommendation.KindBECAUSE_YOU_WATCHED).SetUserID(p.UserID).
			SetProfileID(p.ID).SetSourceTitleID(atoi(t, source)).SetTitleID(atoi(t, pick)).SetRank(1).SetScore(1).ExecX(ctx)
		r := e.gql(nil, `{ category(slug: "because-you-watched") { name basedOn { id } titles { edges { node { id } } } } }`, nil, bearer(tok))
		c := field(t, r, "category")
		require.Equal(t, "Because You Watched The Source", c["name"])
		require.Equal(t, source, c["basedOn"].(map[string]any)["id"])
		require.Equal(t, []string{pick}, ids(c["titles"]))
	})
}
