package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/marquee-org/marquee/internal/apperr"
)

// depthLimit refuses operations nested deeper than max fields. The schema has cycles
// (a season's episodes each have a season), so without it a short query could ask for
// an exponential amount of data. Introspection is exempt: its type references nest by
// design and are bounded by the schema.
type depthLimit struct{ max int }

var (
	_ graphql.HandlerExtension        = depthLimit{}
	_ graphql.OperationContextMutator = depthLimit{}
)

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Doc, oc.Operation.SelectionSet); depth > d.max {
		err := gqlerror.Errorf("The query nests %d levels deep; at most %d are allowed.", depth, d.max)
		err.Extensions = map[string]any{"code": string(apperr.ComplexityLimitExceeded)}
		return err
	}
	return nil
}

func selectionDepth(doc *ast.QueryDocument, set ast.SelectionSet) int {
	deepest := 0
	for _, sel := range set {
		d := 0
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = 1 + selectionDepth(doc, s.SelectionSet)
		case *ast.InlineFragment:
			d = selectionDepth(doc, s.SelectionSet)
		case *ast.FragmentSpread:
			// Validation has already refused cyclic fragments.
			if f := doc.Fragments.ForName(s.Name); f != nil {
				d = selectionDepth(doc, f.SelectionSet)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}
