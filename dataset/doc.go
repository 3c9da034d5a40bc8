// Package dataset reads the Art Images data set, or any plain folder of
// class folders (torchvision's ImageFolder layout), and prepares the arrays
// for training and evaluating the ArtLens network.
//
// The download has traps, and Load handles each of them:
//
//   - files are identified by the SHA-256 of their bytes, never by name or
//     extension; byte-identical copies are kept once (the first by sorted
//     path);
//   - an image that stands in both training_set and validation_set is kept
//     in the test split only, so no test image reaches training;
//   - the early-stopping (Val) split is drawn from training_set (or from a
//     plain folder's images) after de-duplication, stratified by class and
//     seeded, so it is reproducible and shares no image with Train: copies
//     of one picture always end on the same side;
//   - files that are not images (HTML pages and empty files saved as .jpg)
//     are skipped and listed in the Report with the reason;
//   - folders are mapped to classes (engraving is merged into drawings by
//     default, as in the seed study).
//
// Every image goes through picture.ToInput, the model's preprocessing
// contract. The prepared arrays are cached on disk, keyed by the files'
// paths, sizes and modification times and the configuration, so a second
// Load of unchanged data takes a fraction of a second.
package dataset
