// Package artset describes a title's uploaded artwork as the title row keeps it.
package artset

import "strconv"

// Set is one piece of artwork: JPEG renditions stored as Prefix + "/" + width + ".jpg".
type Set struct {
	Prefix string `json:"prefix"`
	Widths []int  `json:"widths"`
}

// Sets are a title's artwork by kind (POSTER, BACKDROP, LOGO).
type Sets map[string]Set

// Key returns the store key of the rendition closest to width (the smallest at least as
// wide, else the widest), or "" for an empty set.
func (s Set) Key(width int) string {
	if len(s.Widths) == 0 {
		return ""
	}
	pick := s.Widths[len(s.Widths)-1]
	for _, w := range s.Widths {
		if w >= width {
			pick = w
			break
		}
	}
	return s.Prefix + "/" + strconv.Itoa(pick) + ".jpg"
}
