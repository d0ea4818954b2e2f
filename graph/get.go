package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/marquee-org/marquee/internal/apperr"
)

type getKey struct{}

// OverGET marks ctx as a GET request's, which may only run queries.
func OverGET(ctx context.Context) context.Context { return context.WithValue(ctx, getKey{}, true) }

// queriesOverGET refuses mutations (and subscriptions) sent with GET, typed like every other
// error. The server's guard refuses those it can read in the URL; this catches the ones it
// cannot, named by a persisted query's hash alone.
type queriesOverGET struct{}

var (
	_ graphql.HandlerExtension        = queriesOverGET{}
	_ graphql.OperationContextMutator = queriesOverGET{}
)

func (queriesOverGET) ExtensionName() string                   { return "QueriesOverGET" }
func (queriesOverGET) Validate(graphql.ExecutableSchema) error { return nil }
func (queriesOverGET) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if get, _ := ctx.Value(getKey{}).(bool); !get || oc.Operation == nil || oc.Operation.Operation == ast.Query {
		return nil
	}
	err := gqlerror.Errorf("GET requests may only run queries; send %ss with POST.", oc.Operation.Operation)
	err.Extensions = map[string]any{"code": string(apperr.BadUserInput)}
	return err
}
