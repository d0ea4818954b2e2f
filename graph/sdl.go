package graph

import (
	"bytes"
	"net/http"
	"time"

	"github.com/vektah/gqlparser/v2/formatter"
)

// SchemaPath is where the schema is published as SDL, for integrators' code generators and
// schema checks in their CI.
const SchemaPath = "/graphql/schema.graphqls"

// SchemaHandler serves the schema the server runs, as SDL: printed from the executable
// schema once, so it is exactly what the endpoint validates against, @scope included.
func SchemaHandler() http.Handler {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithIndent("  "), formatter.WithComments()).
		FormatSchema(NewExecutableSchema(Config{}).Schema())
	sdl := buf.Bytes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "schema.graphqls", time.Time{}, bytes.NewReader(sdl))
	})
}
