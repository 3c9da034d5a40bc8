package atomicfile

import "golang.org/x/sys/windows"

// replace renames from over to. os.Rename uses MoveFileEx with
// MOVEFILE_REPLACE_EXISTING only; MOVEFILE_WRITE_THROUGH also waits until
// the move is on the disk.
func replace(from, to string) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return err
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return err
	}
	return windows.MoveFileEx(f, t, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
}

// syncDir does nothing: Windows cannot open a folder as a file, and
// MOVEFILE_WRITE_THROUGH already made the rename durable.
func syncDir(string) {}
