package graph

import (
	"context"
	"slices"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/schema/apiscope"
	"github.com/marquee-org/marquee/internal/auth"
)

// keyPolicy is what each root field asks of an API key; "" means keys may not call it. A
// new root field fails this test until it is placed here on purpose.
var keyPolicy = map[string]apiscope.Scope{
	// Queries.
	"node": apiscope.CatalogRead, "nodes": apiscope.CatalogRead, "plans": apiscope.CatalogRead,
	"feed": apiscope.CatalogRead, "categories": apiscope.CatalogRead, "category": apiscope.CatalogRead,
	"title": apiscope.CatalogRead, "search": apiscope.CatalogRead, "titles": apiscope.CatalogRead,
	"libraryScan": apiscope.CatalogWrite, "qoeReport": apiscope.AnalyticsRead,
	"me": apiscope.UsersRead, "users": apiscope.UsersRead,
	"membershipChangePreview": "", "profiles": "", "sessions": "",
	"apiKeys": "", "webhooks": "", "webhookDeliveries": "",
	// Mutations.
	"createTitle": apiscope.CatalogWrite, "updateTitle": apiscope.CatalogWrite, "deleteTitle": apiscope.CatalogWrite,
	"createSeason": apiscope.CatalogWrite, "updateSeason": apiscope.CatalogWrite, "deleteSeason": apiscope.CatalogWrite,
	"createEpisode": apiscope.CatalogWrite, "updateEpisode": apiscope.CatalogWrite, "deleteEpisode": apiscope.CatalogWrite,
	"uploadArtwork": apiscope.CatalogWrite, "setVideoMarkers": apiscope.CatalogWrite,
	"startLibraryScan": apiscope.CatalogWrite, "deleteSubtitle": apiscope.CatalogWrite,
	"uploadVideo": apiscope.MediaUpload, "uploadSubtitle": apiscope.MediaUpload,
	"signup": "", "login": "", "logout": "", "startPlayback": "", "reportProgress": "", "endPlayback": "",
	"subscribe": "", "cancelMembership": "", "addToMyList": "", "removeFromMyList": "", "rateTitle": "",
	"createProfile": "", "updateProfile": "", "deleteProfile": "", "selectProfile": "",
	"requestPasswordReset": "", "resetPassword": "", "changePassword": "", "resendVerification": "",
	"verifyEmail": "", "changeEmail": "", "revokeSession": "", "revokeOtherSessions": "",
	"exportMyData": "", "deleteAccount": "", "reportPlaybackQoe": "",
	"createApiKey": "", "revokeApiKey": "", "createWebhook": "", "deleteWebhook": "", "redeliver": "",
	// Subscriptions.
	"transcodeProgress": apiscope.MediaUpload, "libraryScanProgress": apiscope.CatalogWrite,
	"playbackHeartbeat": "",
}

// TestEveryRootFieldChecksTheKeysScope runs keyScopes over each root field alone, as a key
// with every scope but the one it needs, as a key with only that one, and as a login.
func TestEveryRootFieldChecksTheKeysScope(t *testing.T) {
	t.Parallel()
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	seen := map[string]bool{}
	for op, root := range map[ast.Operation]*ast.Definition{ast.Query: schema.Query, ast.Mutation: schema.Mutation, ast.Subscription: schema.Subscription} {
		for _, def := range root.Fields {
			if def.Name[0] == '_' {
				continue
			}
			seen[def.Name] = true
			need, known := keyPolicy[def.Name]
			require.True(t, known, "root field %s is not in keyPolicy: decide what an API key needs for it", def.Name)
			got, ok := fieldScope(def)
			require.Equal(t, need != "", ok, "%s: callable with a key", def.Name)
			require.Equal(t, need, got, "%s: scope", def.Name)

			run := func(key *ent.APIKey) (ran bool, res *graphql.Response) {
				ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{
					Operation: &ast.OperationDefinition{Operation: op, SelectionSet: ast.SelectionSet{
						&ast.Field{Name: def.Name, Alias: def.Name, Definition: def},
					}},
				})
				v := &auth.Viewer{User: &ent.User{ID: 1}, Key: key}
				h := keyScopes(auth.WithViewer(ctx, v), func(context.Context) graphql.ResponseHandler {
					ran = true
					return graphql.OneShot(&graphql.Response{})
				})
				return ran, h(ctx)
			}
			others := slices.DeleteFunc(slices.Clone(apiscope.All), func(s apiscope.Scope) bool { return s == need })
			ran, res := run(&ent.APIKey{Scopes: others})
			require.False(t, ran, "%s ran for a key without %q", def.Name, need)
			require.Len(t, res.Errors, 1)
			require.Equal(t, "FORBIDDEN", res.Errors[0].Extensions["code"], def.Name)
			if need != "" {
				require.Equal(t, need.Enum(), res.Errors[0].Extensions["missingScope"], def.Name)
				ran, _ = run(&ent.APIKey{Scopes: []apiscope.Scope{need}})
				require.True(t, ran, "%s refused a key with %q", def.Name, need)
			}
			ran, _ = run(nil)
			require.True(t, ran, "%s refused a login", def.Name)
		}
	}
	for name := range keyPolicy {
		require.True(t, seen[name], "keyPolicy names %s, which is no root field", name)
	}
}
