//go:build !windows

package atomicfile

import "os"

func replace(from, to string) error {
	return os.Rename(from, to)
}

// syncDir flushes a folder's entries, so that a rename in it is on the disk;
// a file system that cannot (some network ones) still got the rename.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
