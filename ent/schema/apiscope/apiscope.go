// Package apiscope names what an API key may do. It is its own package so that the stored
// key, the GraphQL enum and the authorisation check share one Go type.
package apiscope

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Scope is one permission of an API key, stored and documented as "area:action" and
// spelled in GraphQL as AREA_ACTION.
type Scope string

// The scopes.
const (
	CatalogRead   Scope = "catalog:read"
	CatalogWrite  Scope = "catalog:write"
	MediaUpload   Scope = "media:upload"
	AnalyticsRead Scope = "analytics:read"
	UsersRead     Scope = "users:read"
)

// All lists every scope.
var All = []Scope{CatalogRead, CatalogWrite, MediaUpload, AnalyticsRead, UsersRead}

// Enum is the scope's GraphQL enum value, e.g. CATALOG_READ.
func (s Scope) Enum() string { return strings.ToUpper(strings.ReplaceAll(string(s), ":", "_")) }

// FromEnum returns the scope whose GraphQL enum value is e.
func FromEnum(e string) (Scope, bool) {
	for _, s := range All {
		if s.Enum() == e {
			return s, true
		}
	}
	return "", false
}

// MarshalGQL writes the scope as its GraphQL enum value.
func (s Scope) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(s.Enum())) }

// UnmarshalGQL reads a GraphQL enum value.
func (s *Scope) UnmarshalGQL(v any) error {
	str, ok := v.(string)
	if !ok {
		return fmt.Errorf("an API scope must be a string")
	}
	sc, ok := FromEnum(str)
	if !ok {
		return fmt.Errorf("%q is not an API scope", str)
	}
	*s = sc
	return nil
}
