// Package scanreport is the report of a library scan, as stored on its row.
package scanreport

// Report lists what a scan left out, found missing and noted.
type Report struct {
	Skipped []Entry  `json:"skipped,omitempty"`
	Notes   []Entry  `json:"notes,omitempty"`
	Missing []string `json:"missing,omitempty"`
}

// Entry is a file and what was said of it.
type Entry struct {
	Path string `json:"path"`
	Why  string `json:"why"`
}
