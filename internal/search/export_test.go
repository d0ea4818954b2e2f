package search

// SetMappingVersion records another mapping version in ix, as an index built by an older
// release would carry.
func SetMappingVersion(ix *Index, v string) error {
	return ix.bleve.SetInternal([]byte(keyMapping), []byte(v))
}
