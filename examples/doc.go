// Package examples holds the artworks shipped inside ArtLens for "Try an
// example": a handful of public-domain paintings, shrunk to at most 512
// pixels on their longer side, so that a newcomer sees the network work in
// one click without a picture of their own. None of them is in the data set
// or in the outside-art pictures the models are measured on; each one's
// source (repository, path, commit, licence) is in docs/pictures/README.md.
//
// The pictures are embedded; Write puts them in a folder (the user's cache
// folder in the window) because the views open pictures by path.
package examples
