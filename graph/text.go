package graph

import (
	"context"
	"strings"
	"unicode"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/marquee-org/marquee/internal/apperr"
)

// plainText refuses every operation that carries a string with a control character (NUL
// included; tab and line breaks are text) or a bidirectional override, in its variables
// or written in the query. Such text cannot be stored on PostgreSQL (NUL), and displayed
// it can disguise one name as another (U+202E turns "gnp.exe" into "exe.png"), so no
// name, title, slug, search or any other text input takes it.
type plainText struct{}

var (
	_ graphql.HandlerExtension        = plainText{}
	_ graphql.OperationContextMutator = plainText{}
)

func (plainText) ExtensionName() string                   { return "PlainText" }
func (plainText) Validate(graphql.ExecutableSchema) error { return nil }
func (plainText) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	for name, v := range oc.Variables {
		if !plainValue(v) {
			return notPlain(name)
		}
	}
	if oc.Operation == nil {
		return nil
	}
	if arg := unplainArgument(oc.Doc, oc.Operation.SelectionSet, map[string]bool{}); arg != "" {
		return notPlain(arg)
	}
	return nil
}

func notPlain(field string) *gqlerror.Error {
	err := gqlerror.Errorf("%s contains a control or text-direction character; send plain text.", field)
	err.Extensions = map[string]any{"code": string(apperr.BadUserInput), "field": field}
	return err
}

// plainString reports whether s has no control character other than tab and line breaks,
// and no bidirectional embedding, override or isolate.
func plainString(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return false
		case unicode.IsControl(r):
			return true
		case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return true
		}
		return false
	})
}

// plainValue checks a decoded JSON value: strings, and those inside lists and objects
// (their keys included).
func plainValue(v any) bool {
	switch v := v.(type) {
	case string:
		return plainString(v)
	case []any:
		for _, e := range v {
			if !plainValue(e) {
				return false
			}
		}
	case map[string]any:
		for k, e := range v {
			if !plainString(k) || !plainValue(e) {
				return false
			}
		}
	}
	return true
}

// unplainArgument returns the name of the first argument written in the selection whose
// string literals are not plain text, or "".
func unplainArgument(doc *ast.QueryDocument, set ast.SelectionSet, seen map[string]bool) string {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, a := range s.Arguments {
				if !plainLiteral(a.Value) {
					return a.Name
				}
			}
			if arg := unplainArgument(doc, s.SelectionSet, seen); arg != "" {
				return arg
			}
		case *ast.InlineFragment:
			if arg := unplainArgument(doc, s.SelectionSet, seen); arg != "" {
				return arg
			}
		case *ast.FragmentSpread:
			if f := doc.Fragments.ForName(s.Name); f != nil && !seen[s.Name] {
				seen[s.Name] = true
				if arg := unplainArgument(doc, f.SelectionSet, seen); arg != "" {
					return arg
				}
			}
		}
	}
	return ""
}

func plainLiteral(v *ast.Value) bool {
	if v == nil {
		return true
	}
	switch v.Kind {
	case ast.StringValue, ast.BlockValue:
		return plainString(v.Raw)
	case ast.ListValue, ast.ObjectValue:
		for _, c := range v.Children {
			if !plainLiteral(c.Value) {
				return false
			}
		}
	}
	return true
}
