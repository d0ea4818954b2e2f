package graph

import (
	"context"
	"io"
	"math"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// This file holds what generated.go calls in place of four of gqlgen's runtime functions
// (graph/generate rewrites the calls). Each keeps gqlgen's behaviour and skips work that most
// responses do not need; BENCHMARKS.md (feed) has what that saves.

// marshalList marshals a list of objects in place of graphql.MarshalSliceConcurrently, which
// starts a goroutine for every element of every list of objects. Those pay only when an
// element's fields wait on work of their own (a resolver, or a method that takes a context)
// that can overlap. Most lists select no such field: a feed row's title edges read titles the
// request's loader already holds. There the goroutines are pure cost, 240 of them for a home
// feed, each started, grown and parked. So a list whose selection reaches no waiting field is
// marshalled in the calling goroutine, element after element; any other list keeps gqlgen's
// goroutine per element.
func marshalList(ctx context.Context, sel ast.SelectionSet, n int, workerLimit int64, omitPanicHandler bool,
	one func(ctx context.Context, i int) graphql.Marshaler,
) graphql.Array {
	if selectionWaits(sel) {
		return graphql.MarshalSliceConcurrently(ctx, n, workerLimit, omitPanicHandler, one)
	}
	out := make(graphql.Array, n)
	for i := range n {
		out[i] = marshalElement(ctx, i, omitPanicHandler, one)
	}
	return out
}

// marshalElement marshals element i under its own field context, as gqlgen does, so that
// errors and panics inside it carry the element's index in their path.
func marshalElement(ctx context.Context, i int, omitPanicHandler bool,
	one func(ctx context.Context, i int) graphql.Marshaler,
) (m graphql.Marshaler) {
	index := i
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &index})
	if !omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				m = graphql.Null
			}
		}()
	}
	return one(ctx, i)
}

// selectionWaits reports whether the selection, at any depth, reaches a field that runs its
// own resolver or context method (fieldWaits, generated from the schema's bindings).
func selectionWaits(sel ast.SelectionSet) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.ObjectDefinition != nil && fieldWaits(s.ObjectDefinition.Name, s.Name) {
				return true
			}
			if selectionWaits(s.SelectionSet) {
				return true
			}
		case *ast.InlineFragment:
			if selectionWaits(s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && selectionWaits(s.Definition.SelectionSet) {
				return true
			}
		}
	}
	return false
}

// newDeferredGroup stands in for graphql.NewDeferredGroup at the start of every object's
// marshalling. gqlgen's builds the object's @defer bookkeeping (its path, a field set, a map)
// whether or not anything is deferred; this builds it only when one of the object's fields
// carries @defer, and otherwise returns a group with no deferred fields, which gqlgen's code
// then leaves alone.
func newDeferredGroup(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	for _, f := range fields {
		if f.IsDeferred() {
			return graphql.NewDeferredGroup(ctx)
		}
	}
	return graphql.DeferredGroup{Context: ctx}
}

// fieldSet is an object's fields as generated.go resolves them: gqlgen's FieldSet, which
// newFieldSet builds in place of graphql.NewFieldSet, written out by its own MarshalGQL.
// gqlgen's copies every field to the heap as it writes it and keeps a map of the names
// written so far; on a home feed that was a third of what the GraphQL layer allocates.
type fieldSet struct {
	*graphql.FieldSet
	fields []graphql.CollectedField
}

func newFieldSet(fields []graphql.CollectedField) *fieldSet {
	return &fieldSet{FieldSet: graphql.NewFieldSet(fields), fields: fields}
}

// MarshalGQL writes the JSON object as gqlgen's FieldSet does: each response name once, in
// selection order, with its value. Response names are GraphQL names (letters, digits and
// underscores; validation saw to that), so they need no escaping.
func (s *fieldSet) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, "{")
	first := true
	for i := range s.fields {
		alias := s.fields[i].Alias
		if written(s.fields[:i], alias) {
			continue
		}
		if !first {
			_, _ = io.WriteString(w, ",")
		}
		first = false
		_, _ = io.WriteString(w, `"`)
		_, _ = io.WriteString(w, alias)
		_, _ = io.WriteString(w, `":`)
		s.Values[i].MarshalGQL(w)
	}
	_, _ = io.WriteString(w, "}")
}

// written reports whether a field before this one had the response name.
func written(before []graphql.CollectedField, alias string) bool {
	for i := range before {
		if before[i].Alias == alias {
			return true
		}
	}
	return false
}

// resolvePlain stands in for graphql.ResolveField on the plain fields of the schema (listed by
// graph/generate): leaves (a built-in scalar, an enum, or a list of them) read from the
// object by a struct field or a method that takes no context, with no directive. A home feed
// is mostly such fields, some 2 500 of them, and gqlgen gives each what only a failing or
// waiting field needs: a field context on the heap, a context holding it, the field
// middleware, a recover. Here a plain field whose value came back whole is marshalled at
// once. A field whose read failed, panicked, or gave nothing or a float JSON cannot hold
// goes through gqlgen's own path with the value already read, so its error, path and
// null handling stay exactly gqlgen's, and the field middleware (markInternal) still sees
// every error. No field middleware of ours acts on a field that succeeds.
func resolvePlain[T any](
	ctx context.Context,
	oc *graphql.OperationContext,
	field graphql.CollectedField,
	initializeFieldContext func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error),
	fieldResolver func(ctx context.Context) (any, error),
	middlewareChain func(ctx context.Context, next graphql.Resolver) graphql.Resolver,
	marshal func(ctx context.Context, sel ast.SelectionSet, v T) graphql.Marshaler,
	recoverFromPanic bool,
	nonNull bool,
) graphql.Marshaler {
	if middlewareChain == nil {
		res, panicked, err := readPlain(ctx, fieldResolver)
		if panicked == nil && err == nil && res != nil && finite(res) {
			if v, ok := res.(T); ok {
				return marshal(ctx, field.Selections, v)
			}
		}
		fieldResolver = func(context.Context) (any, error) {
			if panicked != nil {
				panic(panicked)
			}
			return res, err
		}
	}
	return graphql.ResolveField(ctx, oc, field, initializeFieldContext, fieldResolver, middlewareChain,
		marshal, recoverFromPanic, nonNull)
}

// readPlain calls a plain field's reader, returning what it panicked with instead of
// unwinding, so that gqlgen's path can raise it again where it recovers.
func readPlain(ctx context.Context, read func(ctx context.Context) (any, error)) (res, panicked any, err error) {
	defer func() {
		if r := recover(); r != nil {
			panicked = r
		}
	}()
	res, err = read(ctx)
	return res, nil, err
}

// finite reports whether a value is not a float that JSON cannot hold (NaN or an infinity),
// which gqlgen reports as an error of the field.
func finite(v any) bool {
	switch f := v.(type) {
	case float64:
		return !math.IsNaN(f) && !math.IsInf(f, 0)
	case *float64:
		return f == nil || (!math.IsNaN(*f) && !math.IsInf(*f, 0))
	}
	return true
}
