package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// selectionAt parses and validates query against the real schema and returns the selection
// set of the field at path (response names from the operation's root).
func selectionAt(t *testing.T, query string, path ...string) ast.SelectionSet {
	t.Helper()
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	doc, errs := gqlparser.LoadQuery(schema, query)
	require.Empty(t, errs)
	sel := doc.Operations[0].SelectionSet
	for _, name := range path {
		var next ast.SelectionSet
		for _, f := range graphql.CollectFields(&graphql.OperationContext{Doc: doc}, sel, nil) {
			if f.Alias == name {
				next = f.Selections
			}
		}
		require.NotNil(t, next, "no %s in the selection", name)
		sel = next
	}
	return sel
}

func TestSelectionWaits(t *testing.T) {
	const feed = `{ feed { rows { name titles(first: 20) { totalCount edges { node {
		id name genres myRating inMyList progress { fraction } } } } } } }`
	// A feed row's titles have a resolver, so rows go side by side...
	require.True(t, selectionWaits(selectionAt(t, feed, "feed", "rows")))
	// ...but its title edges only read fields of loaded titles: one after another.
	require.False(t, selectionWaits(selectionAt(t, feed, "feed", "rows", "titles", "edges")))

	cases := []struct {
		name, query string
		path        []string
		waits       bool
	}{
		{"a resolver deep in the elements", `{ search(query: "x") { edges { node { id similar(first: 3) { id } } } } }`,
			[]string{"search", "edges"}, true},
		{"through a named fragment", `fragment F on Title { seasons { number } }
			{ search(query: "x") { edges { node { name ...F } } } }`, []string{"search", "edges"}, true},
		{"through an inline fragment", `{ nodes(ids: [1]) { id ... on Title { video { id } } } }`,
			[]string{"nodes"}, true},
		{"an interface's own fields", `{ nodes(ids: [1]) { id } }`, []string{"nodes"}, false},
		{"plain fields only", `{ search(query: "x") { edges { cursor node { id name year genres } } } }`,
			[]string{"search", "edges"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.waits, selectionWaits(selectionAt(t, c.query, c.path...)))
		})
	}
}

// TestMarshalListInOrder checks the in-place path against what gqlgen's concurrent one
// promises: every element under its own field context with its index, a panic in one
// element reported with that element's path and nulled, the rest marshalled.
func TestMarshalListInOrder(t *testing.T) {
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "items"}}})
	var order []int
	plain := selectionAt(t, `{ nodes(ids: [1]) { id } }`, "nodes")
	out := marshalList(ctx, plain, 4, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		order = append(order, i) // no lock: a data race here fails under -race
		require.Equal(t, i, *graphql.GetFieldContext(ctx).Index)
		if i == 2 {
			panic("element 2 broke")
		}
		return graphql.MarshalInt(i)
	})
	require.Equal(t, []int{0, 1, 2, 3}, order)
	var b bytes.Buffer
	out.MarshalGQL(&b)
	require.Equal(t, "[0,1,null,3]", b.String())
	errs := graphql.GetErrors(ctx)
	require.Len(t, errs, 1)
	require.Equal(t, ast.Path{ast.PathName("items"), ast.PathIndex(2)}, errs[0].Path)
}

// TestMarshalListWritesWhatGqlgenWrites runs marshalList's sequential path and gqlgen's
// concurrent one on the same elements, a panicking one and one that returns nothing
// included: the same JSON and the same errors at the same paths.
func TestMarshalListWritesWhatGqlgenWrites(t *testing.T) {
	plain := selectionAt(t, `{ nodes(ids: [1]) { id } }`, "nodes")
	require.False(t, selectionWaits(plain), "the sequential path is the one compared")
	run := func(list func(ctx context.Context, one func(context.Context, int) graphql.Marshaler) graphql.Array) (string, gqlerror.List) {
		ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
		ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "items"}}})
		out := list(ctx, func(ctx context.Context, i int) graphql.Marshaler {
			switch i {
			case 1:
				panic("element 1 broke")
			case 3:
				return graphql.Null
			}
			return graphql.MarshalString(fmt.Sprintf("item %d", i))
		})
		var b bytes.Buffer
		out.MarshalGQL(&b)
		return b.String(), graphql.GetErrors(ctx)
	}
	wantJSON, wantErrs := run(func(ctx context.Context, one func(context.Context, int) graphql.Marshaler) graphql.Array {
		return graphql.MarshalSliceConcurrently(ctx, 5, 0, false, one)
	})
	gotJSON, gotErrs := run(func(ctx context.Context, one func(context.Context, int) graphql.Marshaler) graphql.Array {
		return marshalList(ctx, plain, 5, 0, false, one)
	})
	require.Equal(t, wantJSON, gotJSON)
	require.Equal(t, wantErrs, gotErrs)
}

func TestNewDeferredGroupOnlyForDeferredFields(t *testing.T) {
	ctx := context.Background()
	plain := []graphql.CollectedField{{Field: &ast.Field{Name: "name"}}}
	g := newDeferredGroup(ctx, plain)
	require.Nil(t, g.Defers)
	require.Nil(t, g.FieldSet)

	deferred := append(plain, graphql.CollectedField{Field: &ast.Field{Name: "similar"},
		Deferrables: []*graphql.Deferrable{{Label: "later"}}})
	g = newDeferredGroup(ctx, deferred)
	require.NotNil(t, g.Defers)
	require.NotNil(t, g.FieldSet)
	require.Equal(t, ctx, g.Context)
}

// TestFieldSetWritesWhatGqlgenWrites compares the two writers on the same fields and values,
// a repeated response name included.
func TestFieldSetWritesWhatGqlgenWrites(t *testing.T) {
	field := func(alias string) graphql.CollectedField {
		return graphql.CollectedField{Field: &ast.Field{Alias: alias, Name: alias}}
	}
	for _, fields := range [][]graphql.CollectedField{
		nil,
		{field("id")},
		{field("id"), field("name"), field("genres"), field("progress"), field("id"), field("__typename")},
	} {
		values := []graphql.Marshaler{graphql.MarshalInt(7), graphql.MarshalString(`He said "hi"\n`),
			graphql.Array{graphql.MarshalString("Drama"), graphql.MarshalString("Sci-Fi")}, graphql.Null,
			graphql.MarshalInt(8), graphql.MarshalString("Title")}
		theirs, ours := graphql.NewFieldSet(fields), newFieldSet(fields)
		copy(theirs.Values, values)
		copy(ours.Values, values)
		var want, got bytes.Buffer
		theirs.MarshalGQL(&want)
		ours.MarshalGQL(&got)
		require.Equal(t, want.String(), got.String())
	}
}

// TestResolvePlainAnswersAsGqlgenDoes resolves the same plain fields through gqlgen's
// ResolveField and through resolvePlain: the JSON and the errors (message and path) must be
// the same, for values, nulls, errors, panics and floats JSON cannot hold. Only a field
// that failed may reach the field middleware.
func TestResolvePlainAnswersAsGqlgenDoes(t *testing.T) {
	nan, one := math.NaN(), 1.5
	cases := []struct {
		name     string
		read     func() (any, error)
		nonNull  bool
		failures bool // the field middleware sees this field
	}{
		{"a string", func() (any, error) { return "Arrival", nil }, true, false},
		{"a list", func() (any, error) { return []string{"Drama", "Sci-Fi"}, nil }, true, false},
		{"a nil pointer", func() (any, error) { return (*float64)(nil), nil }, false, false},
		{"a float", func() (any, error) { return &one, nil }, false, false},
		{"NaN", func() (any, error) { return &nan, nil }, false, true},
		{"an error", func() (any, error) { return nil, errors.New("database is gone") }, true, true},
		{"a nullable field's error", func() (any, error) { return nil, errors.New("database is gone") }, false, true},
		{"a panic", func() (any, error) { panic("broken getter") }, true, true},
	}
	type resolver func(ctx context.Context, oc *graphql.OperationContext, field graphql.CollectedField,
		init func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error),
		read func(context.Context) (any, error),
		marshal func(ctx context.Context, sel ast.SelectionSet, v any) graphql.Marshaler,
		nonNull bool) graphql.Marshaler
	gqlgen := func(ctx context.Context, oc *graphql.OperationContext, field graphql.CollectedField,
		init func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error),
		read func(context.Context) (any, error), marshal func(context.Context, ast.SelectionSet, any) graphql.Marshaler,
		nonNull bool) graphql.Marshaler {
		return graphql.ResolveField(ctx, oc, field, init, read, nil, marshal, true, nonNull)
	}
	ours := func(ctx context.Context, oc *graphql.OperationContext, field graphql.CollectedField,
		init func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error),
		read func(context.Context) (any, error), marshal func(context.Context, ast.SelectionSet, any) graphql.Marshaler,
		nonNull bool) graphql.Marshaler {
		return resolvePlain(ctx, oc, field, init, read, nil, marshal, true, nonNull)
	}
	run := func(resolve resolver, read func() (any, error), nonNull bool) (string, gqlerror.List, int) {
		middleware := 0
		oc := &graphql.OperationContext{RecoverFunc: graphql.DefaultRecover,
			ResolverMiddleware: func(ctx context.Context, next graphql.Resolver) (any, error) {
				middleware++
				return markInternal(ctx, next)
			}}
		ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
		ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "node"}}})
		field := graphql.CollectedField{Field: &ast.Field{Alias: "value", Name: "value"}}
		init := func(_ context.Context, f graphql.CollectedField) (*graphql.FieldContext, error) {
			return graphql.NewScalarFieldContext("Title", f, true, false, "String")
		}
		marshal := func(ctx context.Context, _ ast.SelectionSet, v any) graphql.Marshaler {
			switch v := v.(type) {
			case string:
				return graphql.MarshalString(v)
			case []string:
				out := graphql.Array{}
				for _, s := range v {
					out = append(out, graphql.MarshalString(s))
				}
				return out
			case *float64:
				if v == nil {
					return graphql.Null
				}
				return graphql.WrapContextMarshaler(ctx, graphql.MarshalFloatContext(*v))
			}
			return graphql.Null
		}
		out := resolve(ctx, oc, field, init, func(context.Context) (any, error) { return read() }, marshal, nonNull)
		var b bytes.Buffer
		out.MarshalGQL(&b)
		return b.String(), graphql.GetErrors(ctx), middleware
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantJSON, wantErrs, _ := run(gqlgen, c.read, c.nonNull)
			gotJSON, gotErrs, middleware := run(ours, c.read, c.nonNull)
			require.Equal(t, wantJSON, gotJSON)
			require.Equal(t, len(wantErrs), len(gotErrs))
			for i := range wantErrs {
				require.Equal(t, wantErrs[i].Message, gotErrs[i].Message)
				require.Equal(t, wantErrs[i].Path, gotErrs[i].Path)
			}
			require.Equal(t, c.failures, middleware > 0)
		})
	}
}
