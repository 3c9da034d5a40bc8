// Package walk lists a folder tree the way ArtLens reads collections and
// class folders: like filepath.WalkDir, but symbolic links are followed, to
// files and to folders, as PyTorch's ImageFolder does (os.walk with
// followlinks). Each folder is entered once however many links lead to it,
// so a link back up the tree does not loop and two links to one folder do
// not list its pictures twice.
package walk
