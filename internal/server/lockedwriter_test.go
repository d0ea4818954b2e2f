package server_test

import (
	"bytes"
	"sync"
)

// lockedWriter serializes writes from concurrent request goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

// String returns what was written so far.
func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
