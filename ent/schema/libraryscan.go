package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/marquee-org/marquee/ent/schema/scanreport"
)

// LibraryScan is a library scan an administrator started from the app: its progress while
// it runs, and its report once done.
type LibraryScan struct{ ent.Schema }

// Mixin of the LibraryScan.
func (LibraryScan) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the LibraryScan.
func (LibraryScan) Fields() []ent.Field {
	return []ent.Field{
		field.Text("path"),
		field.Enum("state").Values("RUNNING", "DONE", "FAILED").Default("RUNNING"),
		// Video files handled of those found, and the latest one.
		field.Int("done").Default(0),
		field.Int("total").Default(0),
		field.Text("current").Default(""),
		field.Int("added").Default(0),
		field.Int("updated").Default(0),
		field.Int("unchanged").Default(0),
		// What was skipped, missing or noted: library.Result's lists.
		field.JSON("report", scanreport.Report{}).Optional(),
		// Why a FAILED scan stopped.
		field.Text("error").Default(""),
		field.Time("finished_at").Optional().Nillable(),
	}
}

// Annotations of the LibraryScan.
func (LibraryScan) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}
