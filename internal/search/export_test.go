package search

import "time"

// SetMappingVersion records another mapping version in ix, as an index built by an older
// release would carry.
func SetMappingVersion(ix *Index, v string) error {
	return ix.bleve.SetInternal([]byte(keyMapping), []byte(v))
}

// SetPoll sets how often Follow polls the catalog's fingerprint.
func SetPoll(ix *Index, d time.Duration) { ix.poll = d }
