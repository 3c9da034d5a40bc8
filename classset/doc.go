// Package classset keeps the classes a user makes in the Train view: a
// folder (the set) holding one folder per class, into which the pictures
// dropped onto a class are copied. The set is a plain folder of class
// folders, so training on it is training on any such folder.
//
// The set's folder is marked by a hidden file (MarkerName), which the data
// set reader ignores like every hidden entry. Only a marked folder is
// edited: removing a class deletes the copies in its folder, and a folder
// the user made by hand holds their own files, which ArtLens never
// deletes. Every copy is written beside its place under a hidden temporary
// name and renamed into it, so a class folder never holds half a picture.
package classset
