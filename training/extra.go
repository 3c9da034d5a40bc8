package training

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/artlens/artlens/dataset"
)

// ExtraReport says what AddExtra took from a supplementary folder.
type ExtraReport struct {
	Dir     string         // the folder, as given
	Counts  map[string]int // pictures added to the training split, per class
	Added   int            // their total
	Dropped int            // pictures identical, once prepared, to one of the test or validation split (left out)
	Skipped int            // files of the folder that are not pictures (listed by dataset.Load's report)

	// Fingerprint identifies the pictures added (as dataset.Data's
	// Fingerprint does a data set); Describe ends with its first 12 digits.
	Fingerprint string
}

// String is the report in one line: the folder, the pictures per class
// (in the data's class order) and what was left out.
func (r ExtraReport) String() string {
	return r.describe(nil)
}

func (r ExtraReport) describe(classes []string) string {
	if classes == nil {
		for c := range r.Counts {
			classes = append(classes, c)
		}
		slices.Sort(classes)
	}
	parts := make([]string, 0, len(classes))
	for _, c := range classes {
		parts = append(parts, fmt.Sprintf("%s %d", c, r.Counts[c]))
	}
	s := fmt.Sprintf("%s: %d pictures for training only (%s)", r.Dir, r.Added, strings.Join(parts, ", "))
	if r.Dropped > 0 {
		s += fmt.Sprintf("; %d identical to a test or validation picture left out", r.Dropped)
	}
	if r.Skipped > 0 {
		s += fmt.Sprintf("; %d files not pictures", r.Skipped)
	}
	if len(r.Fingerprint) >= 12 {
		s += "; fingerprint " + r.Fingerprint[:12]
	}
	return s
}

// AddExtra adds the pictures of dir, a folder of class folders named
// after data's classes (a supplementary set such as issue 30's public-domain
// artworks), to data's training split only: the validation and test
// splits stay the data set's, so the kept epoch and the reported accuracy
// are measured as before. A picture whose prepared input equals one of the
// test or validation split's is left out (the supplementary set is
// de-duplicated by perceptual hash when it is gathered; this catches the
// copies it missed byte for byte). A class folder not named after one of
// data's classes is an error.
// data.Fingerprint still identifies the data set alone (the shipped
// models' tests recompute it without the extra folder); the report's
// Fingerprint identifies the extra pictures, and Config.Extra, which
// records Describe, keeps a checkpoint of other extra pictures from being
// resumed. cacheDir is as dataset.Config's.
func AddExtra(data *dataset.Data, dir, cacheDir string, progress func(done, total int)) (ExtraReport, error) {
	rep := ExtraReport{Dir: dir, Counts: map[string]int{}}
	if !dataset.Plain(dir) {
		return rep, fmt.Errorf("training: %s is not a folder of class folders (one folder of pictures per class)", dir)
	}
	folders, err := dataset.ClassFolders(dir)
	if err != nil {
		return rep, err
	}
	for _, f := range folders {
		if !slices.Contains(data.Classes, f) {
			return rep, fmt.Errorf("training: %s has a class folder %q; the data's classes are %s", dir, f, strings.Join(data.Classes, ", "))
		}
	}
	extra, err := dataset.Load(dataset.Config{
		Root: dir, Classes: data.Classes, ClassMap: map[string]string{},
		Size: data.Size, ValFraction: -1, CacheDir: cacheDir,
	}, progress)
	if err != nil {
		return rep, err
	}
	rep.Skipped = len(extra.Report.Skipped)
	// A one-channel network's data was made gray (LoadData); so is the
	// extra folder's.
	per := 3 * data.Size * data.Size
	if s := firstSplit(data); s.Len() > 0 {
		per = len(s.Image(0))
	}
	if per == data.Size*data.Size {
		extra.ToGray()
	}
	if extra.Train.Len() > 0 && len(extra.Train.Image(0)) != per {
		return rep, fmt.Errorf("training: the extra pictures have %d values each, the data %d", len(extra.Train.Image(0)), per)
	}
	held := map[[32]byte]bool{}
	for _, s := range []dataset.Split{data.Val, data.Test} {
		for i := range s.Len() {
			held[inputHash(s.Image(i))] = true
		}
	}
	train := dataset.Split{
		X:     slices.Clip(data.Train.X),
		Y:     slices.Clip(data.Train.Y),
		Paths: slices.Clip(data.Train.Paths),
	}
	for i := range extra.Train.Len() {
		img := extra.Train.Image(i)
		if held[inputHash(img)] {
			rep.Dropped++
			continue
		}
		train.X = append(train.X, img...)
		train.Y = append(train.Y, extra.Train.Y[i])
		train.Paths = append(train.Paths, "extra:"+extra.Train.Paths[i])
		rep.Counts[data.Classes[extra.Train.Y[i]]]++
		rep.Added++
	}
	data.Train = train
	counts := data.Report.Counts
	for c, n := range rep.Counts {
		v := counts[c]
		v[0] += n
		counts[c] = v
	}
	h := sha256.Sum256([]byte("artlens extra v1\n" + extra.Fingerprint + "\n" + fmt.Sprint(rep.Dropped)))
	rep.Fingerprint = hex.EncodeToString(h[:])
	return rep, nil
}

// Describe is the report as AddExtra's caller records it in a weights
// file's metadata: the counts in the data's class order.
func (r ExtraReport) Describe(classes []string) string { return r.describe(classes) }

// firstSplit is the first of data's splits that holds a picture.
func firstSplit(data *dataset.Data) dataset.Split {
	for _, s := range []dataset.Split{data.Train, data.Val, data.Test} {
		if s.Len() > 0 {
			return s
		}
	}
	return dataset.Split{}
}

// inputHash is the SHA-256 of a prepared picture's values.
func inputHash(x []float32) [32]byte {
	if len(x) == 0 {
		return sha256.Sum256(nil)
	}
	return sha256.Sum256(unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 4*len(x)))
}
