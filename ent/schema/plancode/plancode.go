// Package plancode names the membership tiers. It is its own package so that every
// entity referring to a tier shares one Go type and one GraphQL enum.
package plancode

import (
	"fmt"
	"io"
	"strconv"
)

// Code is a membership tier.
type Code string

// The tiers, lowest first.
const (
	Basic    Code = "BASIC"
	Standard Code = "STANDARD"
	Premium  Code = "PREMIUM"
)

// All lists the tiers, lowest first.
var All = []Code{Basic, Standard, Premium}

// Values lists the enum values for ent.
func (Code) Values() []string {
	out := make([]string, len(All))
	for i, c := range All {
		out[i] = string(c)
	}
	return out
}

// Rank orders tiers: a higher rank unlocks everything a lower one does. Unknown codes rank -1.
func (c Code) Rank() int {
	for i, k := range All {
		if k == c {
			return i
		}
	}
	return -1
}

// Valid reports whether c is a known tier.
func (c Code) Valid() bool { return c.Rank() >= 0 }

// MarshalGQL writes the code as a GraphQL enum value.
func (c Code) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(c))) }

// UnmarshalGQL reads a GraphQL enum value.
func (c *Code) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("plan code must be a string")
	}
	if !Code(s).Valid() {
		return fmt.Errorf("%q is not a plan code", s)
	}
	*c = Code(s)
	return nil
}
