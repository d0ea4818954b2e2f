// Command generate builds the GraphQL layer from gqlgen.yml, as `gqlgen generate` does, and
// then points some calls in what gqlgen wrote at leaner functions of ours (see rewrites and
// graph/exec.go): lists of objects run their elements in the calling goroutine unless their
// selection reaches a field that waits on work of its own, objects skip @defer bookkeeping
// when none of their fields is deferred, objects are written out without per-field copies,
// and plain fields (a scalar read from its object) skip what only a failing field needs. It
// also writes the set of fields that wait, read from gqlgen's bindings, to
// graph/waits_gen.go. Run it from the repository root: `go run ./graph/generate` (part of
// `make generate`).
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"go/types"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		log.Fatalf("loading gqlgen.yml: %v", err)
	}
	b := &bindings{}
	if err := api.Generate(cfg, api.AddPlugin(b)); err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
	if err := rewriteExec(cfg.Exec.Filename, b.plain); err != nil {
		log.Fatalf("%s: %v", cfg.Exec.Filename, err)
	}
}

// rewrites are the calls gqlgen's exec template writes that generated.go makes to functions
// of ours instead (graph/exec.go says why).
var rewrites = []struct{ gqlgen, ours string }{
	// Every list of objects: element after element unless the selection waits.
	{"graphql.MarshalSliceConcurrently(ctx, len(v), ", "marshalList(ctx, sel, len(v), "},
	// Every object: no @defer bookkeeping unless one of its fields is deferred.
	{"graphql.NewDeferredGroup(ctx)", "newDeferredGroup(ctx, fields)"},
	// Every object: written out without copying each field or building a map of names.
	{"graphql.NewFieldSet(fields)", "newFieldSet(fields)"},
}

// rewriteExec points generated.go at the functions in rewrites, and the resolving function
// of each plain field (type.field) at resolvePlain. It fails when a call is not found, so
// that a gqlgen upgrade that changes its template is noticed.
func rewriteExec(path string, plain []string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for _, r := range rewrites {
		if !bytes.Contains(src, []byte(r.gqlgen)) {
			return fmt.Errorf("no %q to rewrite: has gqlgen's exec template changed?", r.gqlgen)
		}
		src = bytes.ReplaceAll(src, []byte(r.gqlgen), []byte(r.ours))
	}
	const call = "\treturn graphql.ResolveField(\n"
	for _, f := range plain {
		typ, name, _ := strings.Cut(f, ".")
		head := []byte(fmt.Sprintf("func (ec *executionContext) _%s_%s(ctx context.Context, field graphql.CollectedField, obj ", typ, name))
		at := bytes.Index(src, head)
		if at < 0 {
			return fmt.Errorf("no resolving function for %s: has gqlgen's exec template changed?", f)
		}
		body := at + bytes.IndexByte(src[at:], '\n') + 1
		if !bytes.HasPrefix(src[body:], []byte(call)) {
			return fmt.Errorf("%s does not start with %q: has gqlgen's exec template changed?", f, call)
		}
		src = slices.Concat(src[:body], []byte("\treturn resolvePlain(\n"), src[body+len(call):])
	}
	return writeFile(path, src)
}

// bindings is a gqlgen plugin that reads how fields are bound. It records which fields run
// their own resolver or a method that takes a context: the fields gqlgen runs in goroutines
// of their own (a field of an interface waits when it does on any object that implements
// it). And it lists the plain fields, which resolvePlain resolves (graph/exec.go).
type bindings struct {
	plain []string // type.field
}

func (*bindings) Name() string { return "bindings" }

func (b *bindings) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if o.Root {
			continue
		}
		for _, f := range o.Fields {
			if isPlain(f) {
				b.plain = append(b.plain, o.Name+"."+f.Name)
			}
		}
	}
	return writeWaits(data)
}

// isPlain reports whether a field is read from its object without a resolver, a context or
// a directive, and holds a built-in scalar, an enum, or a list of non-null ones (not of
// floats, whose errors resolvePlain would not place), with no pointer under a non-null type.
func isPlain(f *codegen.Field) bool {
	if f.IsResolver || f.MethodHasContext || f.IsBatch() || f.Stream || len(f.Directives) > 0 || len(f.Args) > 0 {
		return false
	}
	ref := f.TypeReference
	if ref == nil || ref.Definition == nil || ref.IsContext && ref.GQL.NamedType != "Float" {
		return false
	}
	if _, ptr := ref.GO.(*types.Pointer); ptr && ref.GQL.NonNull {
		return false
	}
	leaf := ref.GQL
	if leaf.Elem != nil {
		leaf = leaf.Elem
		if !leaf.NonNull || leaf.Elem != nil || leaf.NamedType == "Float" {
			return false
		}
	}
	switch ref.Definition.Kind {
	case ast.Enum:
		return true
	case ast.Scalar:
		return slices.Contains([]string{"String", "Int", "Float", "Boolean", "ID"}, leaf.NamedType)
	}
	return false
}

// writeWaits writes graph/waits_gen.go: fieldWaits, the fields that wait.
func writeWaits(data *codegen.Data) error {
	fields := map[string][]string{}
	add := func(typ, field string) {
		if !slices.Contains(fields[typ], field) {
			fields[typ] = append(fields[typ], field)
		}
	}
	for _, o := range data.Objects {
		if o.Root {
			continue
		}
		for _, f := range o.Fields {
			if !f.IsResolver && !f.MethodHasContext {
				continue
			}
			add(o.Name, f.Name)
			for _, iface := range o.Implements {
				if iface.Fields.ForName(f.Name) != nil {
					add(iface.Name, f.Name)
				}
			}
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by graph/generate, DO NOT EDIT.\n\npackage %s\n\n", data.Config.Exec.Package)
	b.WriteString("// fieldWaits reports whether a field of the type runs its own resolver or a method that\n")
	b.WriteString("// takes a context, so that marshalList runs a list's elements side by side when their\n")
	b.WriteString("// selection reaches one.\n")
	b.WriteString("func fieldWaits(typ, field string) bool {\n\tswitch typ {\n")
	types := make([]string, 0, len(fields))
	for t := range fields {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		names := fields[t]
		slices.Sort(names)
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = fmt.Sprintf("%q", n)
		}
		fmt.Fprintf(&b, "\tcase %q:\n\t\tswitch field {\n\t\tcase %s:\n\t\t\treturn true\n\t\t}\n", t, strings.Join(quoted, ", "))
	}
	b.WriteString("\t}\n\treturn false\n}\n")
	return writeFile(filepath.Join(data.Config.Exec.Dir(), "waits_gen.go"), b.Bytes())
}

// writeFile formats Go source and writes it in place of path, through a temporary file so
// that an interrupted run leaves the old file whole.
func writeFile(path string, src []byte) error {
	out, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("formatting %s: %w", path, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
