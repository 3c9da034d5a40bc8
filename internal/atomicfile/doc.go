// Package atomicfile writes files so that a reader, or the next start after
// a crash or a kill at any moment, finds either the old content or the new,
// never part of one: the data goes to a temporary file in the same folder,
// is flushed to the disk (fsync), and is then renamed over the file (on
// Windows with MoveFileEx's replace and write-through flags); on Unix the
// folder is flushed too, so the rename itself survives a power cut.
//
// github.com/google/renameio does the same but offers none of its atomic
// writes on Windows, for which ArtLens ships an executable; this package is
// the few lines the project needs on every platform.
package atomicfile
