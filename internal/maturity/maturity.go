// Package maturity knows the content rating systems a title's rating may come from and the
// youngest age each rating suits: the one number profiles are compared with.
package maturity

import (
	"fmt"
	"strings"
)

// Adult is the age of everything: titles rated for adults, and titles whose rating is
// missing or unknown, since a title nobody rated must not reach a child.
const Adult = 18

// Kids is the highest ceiling a Kids profile may have.
const Kids = 12

// A Rating is a rating of a known system.
type Rating struct {
	// Label is the rating as stored and shown: "PG-13", "TV-MA", "12A", "FSK 16".
	Label string
	// System names where it comes from: "MPA" (US films), "TV" (US television), "BBFC"
	// (United Kingdom) or "FSK" (Germany); "BBFC/FSK" for 12 and 18, which mean the same
	// in both.
	System string
	// Age is the youngest age it suits.
	Age int
}

// ratings are the known ratings by their upper-case label. The ages follow what each
// system says a rating allows (FSK and BBFC state ages; PG asks for parental guidance,
// set at 8; R admits under-17s only with a parent, set at 17).
var ratings = map[string]Rating{}

func init() {
	for _, r := range []Rating{
		{"G", "MPA", 0}, {"PG", "MPA/BBFC", 8}, {"PG-13", "MPA", 13}, {"R", "MPA", 17}, {"NC-17", "MPA", 18},
		{"TV-Y", "TV", 0}, {"TV-Y7", "TV", 7}, {"TV-G", "TV", 0}, {"TV-PG", "TV", 8}, {"TV-14", "TV", 14}, {"TV-MA", "TV", 17},
		{"U", "BBFC", 0}, {"12A", "BBFC", 12}, {"12", "BBFC/FSK", 12}, {"15", "BBFC", 15}, {"18", "BBFC/FSK", 18},
		{"FSK 0", "FSK", 0}, {"FSK 6", "FSK", 6}, {"FSK 16", "FSK", 16},
	} {
		ratings[r.Label] = r
	}
}

// Parse reads a rating in any of the known systems, as people write it: "PG-13", "pg-13",
// "TV-MA", "TVMA", "12A", "FSK 16", "FSK16", "FSK 12" (which is 12), "16" (FSK's, the only
// system with it). The result's Label is the rating's canonical spelling.
func Parse(s string) (Rating, error) {
	key := strings.ToUpper(strings.Join(strings.Fields(s), " "))
	if rest, ok := strings.CutPrefix(key, "FSK"); ok {
		key = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), "AB "))
	}
	if rest, ok := strings.CutPrefix(key, "TV"); ok && !strings.HasPrefix(rest, "-") {
		key = "TV-" + strings.TrimSpace(rest)
	}
	if r, ok := ratings[key]; ok {
		return r, nil
	}
	if r, ok := ratings["FSK "+key]; ok {
		return r, nil
	}
	return Rating{}, fmt.Errorf("%q is not a rating of a known system: US films (G, PG, PG-13, R, NC-17), US television (TV-Y, TV-Y7, TV-G, TV-PG, TV-14, TV-MA), BBFC (U, PG, 12A, 12, 15, 18) or FSK (0, 6, 12, 16, 18)", s)
}

// Age is the youngest age a stored rating suits: Adult when it is empty or unknown.
func Age(rating string) int {
	if r, err := Parse(rating); err == nil {
		return r.Age
	}
	return Adult
}

// Allows reports whether a profile whose ceiling is the age ceiling may see a title rated
// rating. A ceiling of Adult sees everything, unrated titles included.
func Allows(ceiling int, rating string) bool {
	return ceiling >= Adult || Age(rating) <= ceiling
}
