//go:build linux || darwin

package video

import "syscall"

// freeBytes is the space left for unprivileged writes on the filesystem holding path.
func freeBytes(path string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}
