// Package picture decodes one image file the way a user hands it to ArtLens
// and turns it into the network's input.
//
// Decode and Open sniff the format from the content, never from the file
// name, so a JPEG saved under a .png name decodes as a JPEG. They refuse
// files that are not images, images that are too large to decode safely and
// damaged image data with errors that read as sentences for a user and can
// be told apart with errors.Is (ErrNotImage, ErrTooLarge, ErrTruncated,
// ErrUnsupported). The EXIF orientation of JPEG files is applied, so an
// image comes back the way a photo viewer shows it.
//
// ToInput is the model's preprocessing contract: every source image, of any
// colour model, goes through the same path to a size×size×3 CHW float32
// array with values in [0, 1]. FromInput is its inverse view, the picture
// the network sees.
package picture
