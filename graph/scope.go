package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/marquee-org/marquee/ent/schema/apiscope"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
)

// generatedScopes gives the scope of root fields whose SDL entgql writes (ent.graphqls),
// where no @scope can be put.
var generatedScopes = map[string]apiscope.Scope{
	"node":  apiscope.CatalogRead,
	"nodes": apiscope.CatalogRead,
}

// keyScopes refuses, before anything runs, an operation made with an API key that reaches a
// root field the key may not call: one without @scope (meant for people), or one whose scope
// the key lacks. Refusing the whole operation means a key never half-does a request.
// Subscriptions are checked too: gqlgen's root-field middleware does not see them.
func keyScopes(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	v := auth.FromContext(ctx)
	oc := graphql.GetOperationContext(ctx)
	if v == nil || v.Key == nil || oc.Operation == nil {
		return next(ctx)
	}
	root := map[ast.Operation]string{ast.Query: "Query", ast.Mutation: "Mutation", ast.Subscription: "Subscription"}[oc.Operation.Operation]
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{root}) {
		if f.Definition == nil || len(f.Name) > 1 && f.Name[:2] == "__" {
			continue // introspection
		}
		need, ok := fieldScope(f.Definition)
		var e *apperr.Error
		switch {
		case !ok:
			e = apperr.New(apperr.Forbidden, "API keys cannot call %s; it is for people logged in.", f.Name)
		case !v.HasScope(need):
			e = auth.MissingScope(need)
		default:
			continue
		}
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
			Message: e.Message, Path: ast.Path{ast.PathName(f.Alias)}, Extensions: extensions(e),
		}}})
	}
	return next(ctx)
}

// fieldScope reads the scope a root field needs from its @scope directive.
func fieldScope(def *ast.FieldDefinition) (apiscope.Scope, bool) {
	if s, ok := generatedScopes[def.Name]; ok {
		return s, true
	}
	d := def.Directives.ForName("scope")
	if d == nil {
		return "", false
	}
	arg := d.Arguments.ForName("needs")
	if arg == nil || arg.Value == nil {
		return "", false
	}
	return apiscope.FromEnum(arg.Value.Raw)
}
