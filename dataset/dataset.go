package dataset

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/artlens/artlens/internal/walk"

	"github.com/artlens/artlens/picture"
)

// Folder names of the two splits of the Art Images download.
const (
	TrainFolder = "training_set"   // the training split
	TestFolder  = "validation_set" // the study's test split
)

// DefaultClasses are the four output classes of the seed study, in the
// order of the network's outputs.
var DefaultClasses = []string{"drawings", "iconography", "painting", "sculpture"}

// DefaultClassMap maps the five folders of the download to DefaultClasses:
// engraving is merged into drawings, the others keep their name.
var DefaultClassMap = map[string]string{
	"drawings":    "drawings",
	"engraving":   "drawings",
	"iconography": "iconography",
	"painting":    "painting",
	"sculpture":   "sculpture",
}

// Defaults used for the zero values of Config fields.
const (
	DefaultSize        = 64
	DefaultValFraction = 0.1
	DefaultSeed        = 1
)

// Config says where the data is and how to prepare it. The zero value of
// each field but Root selects its default.
type Config struct {
	// Root is the folder holding training_set/ and validation_set/. If it
	// holds neither but has a subfolder art-images/ that holds them, that
	// subfolder is used. Otherwise Root is a plain folder of class folders
	// (torchvision's ImageFolder layout): all of its images are for
	// training, Val is drawn from them as from training_set, and there is
	// no Test split.
	Root string

	// Classes are the output classes, in order; nil means DefaultClasses.
	Classes []string

	// ClassMap maps a class folder name to a class in Classes; nil means
	// DefaultClassMap. A folder that is not in the map but is named like a
	// class maps to that class; a folder mapped to "" is ignored. Any
	// other folder is an error.
	ClassMap map[string]string

	// Size is the side of the square network input; 0 means DefaultSize.
	Size int

	// ValFraction is the share of each class of training_set (after
	// de-duplication) held out as the Val split for early stopping and
	// validation; 0 means DefaultValFraction and a negative value means
	// no Val split. It must be less than 1.
	ValFraction float64

	// Seed seeds the draw of the Val split; 0 means DefaultSeed.
	Seed int64

	// TestOnly prepares only the test split, for evaluation: Root may then
	// hold validation_set/ without training_set/, or be a labelled folder
	// whose subfolders are named after classes (a curator's own sorting),
	// all of whose images form the Test split.
	TestOnly bool

	// Labels, when not nil, gives each file's class by its path relative to
	// the folder holding the split folders (slash-separated:
	// "training_set/painting/x.jpg", or "painting/x.jpg" in a plain folder)
	// instead of its class folder: classes made from a catalogue's field,
	// without copying pictures into class folders. Its values are names in
	// Classes; a file it does not name is left out, and the class folders'
	// names are not checked.
	Labels map[string]string

	// CacheDir is the folder where prepared data is cached: "" means
	// the artlens folder in os.UserCacheDir, "-" means no cache.
	CacheDir string
}

// Split is a set of prepared images.
type Split struct {
	X     []float32 // Len()*3*Size*Size values, each image CHW as picture.ToInput gives it
	Y     []int     // class index per image, into Data.Classes
	Paths []string  // path of each image relative to Data.Root, with forward slashes
}

// Len returns the number of images in s.
func (s Split) Len() int { return len(s.Y) }

// Image returns the input of image i, a slice of s.X (not a copy) of
// length 3*Size*Size. It panics if i is out of range.
func (s Split) Image(i int) []float32 {
	n := len(s.X) / len(s.Y)
	return s.X[i*n : (i+1)*n : (i+1)*n]
}

// Skipped is a file that Load did not use.
type Skipped struct {
	Path   string // relative to Data.Root, with forward slashes
	Reason string // a sentence for a user
}

// Report says what Load found and what it did with it.
type Report struct {
	Files   int       // files found in the class folders (and stray files in the split folders)
	Images  int       // files that decode as images, copies included
	Skipped []Skipped // files that are not images or could not be read, sorted by path

	// Duplicates is the number of image files dropped because they are
	// byte-identical to a kept image (within and across splits), so
	// Images - Duplicates distinct images are kept.
	Duplicates int

	// Leaked is the number of distinct training images dropped because
	// they are byte-identical to a test image (they are counted in
	// Duplicates too).
	Leaked int

	// Conflicts is the number of distinct images whose copies are filed
	// under more than one class; the kept copy decides the class.
	Conflicts int

	// Counts gives, for each class, the number of images in the Train,
	// Val and Test splits.
	Counts map[string][3]int
}

// Data is the prepared data set.
type Data struct {
	Root    string   // absolute path of the folder holding the split folders
	Classes []string // class names, indexed by the Y values
	Size    int      // side of the square inputs

	// Train is the training split; Val is the stratified ValFraction of
	// training_set (or of a plain folder's images) held out for early
	// stopping; Test is validation_set, the study's test split, empty for
	// a plain folder. No image is in two splits.
	Train, Val, Test Split

	// Fingerprint is the hex SHA-256 of the sorted (content hash, class)
	// pairs of all kept images and of the configuration (classes, size,
	// val fraction, seed): it identifies the data a model was trained on.
	Fingerprint string

	Report Report

	// FromCache reports whether Load read the prepared data from the
	// cache instead of decoding the images.
	FromCache bool
}

// config is a Config with its defaults applied and checked.
type config struct {
	Config
	classIndex map[string]int
}

func (cfg Config) normalize() (config, error) {
	c := config{Config: cfg}
	if c.Root == "" {
		return c, errors.New("dataset: no data folder given")
	}
	if c.Classes == nil {
		c.Classes = DefaultClasses
	}
	if len(c.Classes) == 0 {
		return c, errors.New("dataset: no classes given")
	}
	c.Classes = slices.Clone(c.Classes)
	c.classIndex = make(map[string]int, len(c.Classes))
	for i, name := range c.Classes {
		if name == "" {
			return c, errors.New("dataset: empty class name")
		}
		if _, dup := c.classIndex[name]; dup {
			return c, fmt.Errorf("dataset: class %q given twice", name)
		}
		c.classIndex[name] = i
	}
	if c.ClassMap == nil {
		c.ClassMap = DefaultClassMap
	}
	if c.Size == 0 {
		c.Size = DefaultSize
	}
	if c.Size < 1 {
		return c, fmt.Errorf("dataset: bad input size %d", c.Size)
	}
	switch {
	case c.ValFraction == 0:
		c.ValFraction = DefaultValFraction
	case c.ValFraction < 0:
		c.ValFraction = 0
	case c.ValFraction >= 1 || math.IsNaN(c.ValFraction):
		return c, fmt.Errorf("dataset: validation fraction %v is not less than 1", c.ValFraction)
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	return c, nil
}

// classOf returns the class index of a class folder, or -1 for a folder to
// ignore.
func (c config) classOf(split, folder string) (int, error) {
	class, ok := c.ClassMap[folder]
	if !ok {
		if i, ok := c.classIndex[folder]; ok {
			return i, nil
		}
		known := make([]string, 0, len(c.ClassMap))
		for f := range c.ClassMap {
			known = append(known, f)
		}
		slices.Sort(known)
		return 0, fmt.Errorf("dataset: unknown class folder %q in %s (known folders: %s)", folder, split, strings.Join(known, ", "))
	}
	if class == "" {
		return -1, nil
	}
	i, ok := c.classIndex[class]
	if !ok {
		return 0, fmt.Errorf("dataset: class folder %q in %s maps to class %q, which is not one of the classes %v", folder, split, class, c.Classes)
	}
	return i, nil
}

// labelOf returns the class of the file at rel: folder, its class
// folder's, without Labels; with Labels, the class they name, and ok false
// for a file they do not name (left out).
func (c config) labelOf(rel string, folder int) (class int, ok bool) {
	if c.Labels == nil {
		return folder, true
	}
	name, named := c.Labels[rel]
	if !named {
		return 0, false
	}
	class, ok = c.classIndex[name]
	return class, ok
}

// file is one file found under the root.
type file struct {
	rel   string // relative to the root, slash-separated
	test  bool   // in TestFolder
	class int    // class index, or -1 for a stray file outside class folders
	size  int64
	mtime int64 // Unix nanoseconds
}

// Load reads the data set described by cfg, or its cached preparation, and
// returns it. If progress is not nil, it is called from the calling
// goroutine with the number of files processed so far and the total while
// images are decoded (not when the cache is used).
//
// Load returns an error only when the data cannot be used at all: Root is
// missing or has no split folders, or a class folder is not in the class
// map. Files that are not images are skipped and listed in the Report. A
// cache that cannot be read or written is ignored.
//
// The cache is keyed by the absolute root, the relative path, size and
// modification time of every file and the configuration; a file changed in
// place with the same size and modification time is not noticed.
func Load(cfg Config, progress func(done, total int)) (*Data, error) {
	c, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	root, splits, err := findRoot(c.Root, c.TestOnly)
	if err != nil {
		return nil, err
	}
	files, err := scan(root, splits, c)
	if err != nil {
		return nil, err
	}
	cachePath, key := cacheLocation(root, c, files)
	if cachePath != "" {
		if d, err := readCache(cachePath, key); err == nil {
			d.Root = root
			d.FromCache = true
			return d, nil
		}
	}
	d := build(root, c, files, progress)
	if cachePath != "" {
		_ = writeCache(cachePath, key, d)
	}
	return d, nil
}

// splitFolder is a folder of class folders: a split of the data set
// (Name is its folder, relative to the root), or with Name "" the root
// itself when it is a labelled folder.
type splitFolder struct {
	Name string
	Test bool
}

// findRoot returns the absolute folder holding the split folders, and the
// splits to read from it. With testOnly, training_set/ may be missing, and
// a folder without split folders is read as one labelled test split.
func findRoot(root string, testOnly bool) (string, []splitFolder, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", nil, fmt.Errorf("dataset: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil, fmt.Errorf("dataset: the data folder %s does not exist", abs)
		}
		return "", nil, fmt.Errorf("dataset: %w", err)
	}
	if !fi.IsDir() {
		return "", nil, fmt.Errorf("dataset: %s is not a folder", abs)
	}
	isDir := func(p string) bool {
		fi, err := os.Stat(p)
		return err == nil && fi.IsDir()
	}
	hasSplit := func(dir string) bool {
		return isDir(filepath.Join(dir, TrainFolder)) || isDir(filepath.Join(dir, TestFolder))
	}
	if !hasSplit(abs) && hasSplit(filepath.Join(abs, "art-images")) {
		abs = filepath.Join(abs, "art-images")
	}
	if testOnly {
		if isDir(filepath.Join(abs, TestFolder)) {
			return abs, []splitFolder{{TestFolder, true}}, nil
		}
		if !hasSplit(abs) {
			return abs, []splitFolder{{"", true}}, nil
		}
	}
	if !hasSplit(abs) {
		// A plain folder of class folders (torchvision's ImageFolder):
		// all of it is for training, Val drawn from it, no Test split.
		classes, err := ClassFolders(abs)
		if err != nil {
			return "", nil, err
		}
		if len(classes) == 0 {
			return "", nil, fmt.Errorf("dataset: the data folder %s holds no class folders (one folder of pictures per class) and no %s folder", abs, TrainFolder)
		}
		return abs, []splitFolder{{"", false}}, nil
	}
	for _, split := range []string{TrainFolder, TestFolder} {
		if !isDir(filepath.Join(abs, split)) {
			return "", nil, fmt.Errorf("dataset: the data folder %s has no %s folder", abs, split)
		}
	}
	return abs, []splitFolder{{TrainFolder, false}, {TestFolder, true}}, nil
}

// Plain reports whether dir is a plain folder of class folders (the layout
// of torchvision's ImageFolder) rather than the Art Images download, whose
// training_set and validation_set folders it then lacks (itself or in an
// art-images subfolder).
func Plain(dir string) bool {
	isDir := func(p string) bool {
		fi, err := os.Stat(p)
		return err == nil && fi.IsDir()
	}
	for _, d := range []string{dir, filepath.Join(dir, "art-images")} {
		if isDir(filepath.Join(d, TrainFolder)) || isDir(filepath.Join(d, TestFolder)) {
			return false
		}
	}
	return true
}

// ClassFolders returns the names of the folders in dir, sorted, hidden ones
// left out: the classes of a plain folder of class folders, in the order a
// model trained on it gets them.
func ClassFolders(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("dataset: the data folder %s does not exist", dir)
		}
		return nil, fmt.Errorf("dataset: %w", err)
	}
	var out []string
	for _, e := range entries {
		if !hidden(e.Name()) && isDirEntry(dir, e.Name(), e) {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// hidden reports whether a file or folder name is hidden (starts with a
// dot, like .DS_Store); hidden entries are ignored.
func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// scan lists the files of the splits, sorted by relative path.
func scan(root string, splits []splitFolder, c config) ([]file, error) {
	var files []file
	for _, split := range splits {
		entries, err := os.ReadDir(filepath.Join(root, split.Name))
		if err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		where := split.Name
		if where == "" {
			where = root
		}
		for _, e := range entries {
			if hidden(e.Name()) {
				continue
			}
			rel := path.Join(split.Name, e.Name())
			if !isDirEntry(root, rel, e) {
				class, ok := c.labelOf(rel, -1)
				if f, isFile := statFile(root, rel, split.Test, class); ok && isFile {
					files = append(files, f)
				}
				continue
			}
			class := 0
			if c.Labels == nil {
				var err error
				if class, err = c.classOf(where, e.Name()); err != nil {
					return nil, err
				}
				if class < 0 {
					continue
				}
			}
			dir := filepath.Join(root, split.Name, e.Name())
			err = walk.Dir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					if p == dir {
						return err
					}
					return nil // an unreadable subfolder is left out
				}
				if hidden(d.Name()) && p != dir {
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if d.IsDir() {
					return nil
				}
				r, err := filepath.Rel(root, p)
				if err != nil {
					return err
				}
				class, ok := c.labelOf(filepath.ToSlash(r), class)
				if f, isFile := statFile(root, filepath.ToSlash(r), split.Test, class); ok && isFile {
					files = append(files, f)
				}
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("dataset: %w", err)
			}
		}
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.rel, b.rel) })
	return files, nil
}

// isDirEntry reports whether e is a folder or a link to one.
func isDirEntry(root, rel string, e fs.DirEntry) bool {
	if e.IsDir() {
		return true
	}
	if e.Type()&fs.ModeSymlink == 0 {
		return false
	}
	fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
	return err == nil && fi.IsDir()
}

// statFile returns the file at rel if it is a regular file or a link to one.
func statFile(root, rel string, test bool, class int) (file, bool) {
	fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		// A dangling link or a file that vanished: keep it, so that it is
		// reported as unreadable.
		return file{rel: rel, test: test, class: class, size: -1}, true
	}
	if !fi.Mode().IsRegular() {
		return file{}, false
	}
	return file{rel: rel, test: test, class: class, size: fi.Size(), mtime: fi.ModTime().UnixNano()}, true
}

// slot is the decoded input of one distinct file content.
type slot struct {
	pix []uint8 // 3*size*size channel values, CHW, as picture.ToInput gives them times 255
	err error   // why the content is not a usable image
}

// result is what a worker found for one file.
type result struct {
	hash [32]byte
	slot *slot
	err  error // the file could not be read
}

// build decodes the files and prepares the splits.
func build(root string, c config, files []file, progress func(done, total int)) *Data {
	results := decodeAll(root, c.Size, files, progress)

	rep := Report{Files: len(files), Counts: make(map[string][3]int)}
	type entry struct {
		firstTrain, firstTest int // file indices, or -1
		multiClass            bool
		firstClass            int
	}
	entries := make(map[[32]byte]*entry)
	var order [][32]byte // distinct image hashes, in order of their first file
	for i, f := range files {
		r := results[i]
		switch {
		case f.class < 0:
			rep.Skipped = append(rep.Skipped, Skipped{f.rel, "it is not inside a class folder"})
			continue
		case r.err != nil:
			rep.Skipped = append(rep.Skipped, Skipped{f.rel, r.err.Error()})
			continue
		case r.slot.err != nil:
			rep.Skipped = append(rep.Skipped, Skipped{f.rel, r.slot.err.Error()})
			continue
		}
		rep.Images++
		e := entries[r.hash]
		if e == nil {
			e = &entry{firstTrain: -1, firstTest: -1, firstClass: f.class}
			entries[r.hash] = e
			order = append(order, r.hash)
		}
		if f.class != e.firstClass {
			e.multiClass = true
		}
		if f.test {
			if e.firstTest < 0 {
				e.firstTest = i
			}
		} else if e.firstTrain < 0 {
			e.firstTrain = i
		}
	}
	rep.Duplicates = rep.Images - len(entries)

	type item struct {
		file int
		hash [32]byte
	}
	var test []item
	candidates := make([][]item, len(c.Classes)) // training images by class
	for _, h := range order {
		e := entries[h]
		if e.multiClass {
			rep.Conflicts++
		}
		if e.firstTest >= 0 {
			test = append(test, item{e.firstTest, h})
			if e.firstTrain >= 0 {
				rep.Leaked++
			}
			continue
		}
		cl := files[e.firstTrain].class
		candidates[cl] = append(candidates[cl], item{e.firstTrain, h})
	}

	// Draw the Val split, class by class, from the candidates in the order
	// of their content hashes, so that it depends on the contents and the
	// seed only.
	rng := rand.New(rand.NewPCG(uint64(c.Seed), 0x61727469_6d616765)) // "artimage"
	var train, val []item
	for _, items := range candidates {
		slices.SortFunc(items, func(a, b item) int { return cmp.Compare(string(a.hash[:]), string(b.hash[:])) })
		rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		n := int(math.Round(c.ValFraction * float64(len(items))))
		val = append(val, items[:n]...)
		train = append(train, items[n:]...)
	}
	byPath := func(a, b item) int { return strings.Compare(files[a.file].rel, files[b.file].rel) }
	slices.SortFunc(train, byPath)
	slices.SortFunc(val, byPath)
	slices.SortFunc(test, byPath)

	d := &Data{Root: root, Classes: c.Classes, Size: c.Size}
	n := 3 * c.Size * c.Size
	x := make([]float32, (len(train)+len(val)+len(test))*n)
	fill := func(items []item, k int) Split {
		s := Split{
			X:     x[: len(items)*n : len(items)*n],
			Y:     make([]int, len(items)),
			Paths: make([]string, len(items)),
		}
		x = x[len(items)*n:]
		for i, it := range items {
			f := files[it.file]
			s.Y[i] = f.class
			s.Paths[i] = f.rel
			toFloat(s.X[i*n:(i+1)*n], results[it.file].slot.pix)
			counts := rep.Counts[c.Classes[f.class]]
			counts[k]++
			rep.Counts[c.Classes[f.class]] = counts
		}
		return s
	}
	d.Train = fill(train, 0)
	d.Val = fill(val, 1)
	d.Test = fill(test, 2)
	for _, name := range c.Classes {
		if _, ok := rep.Counts[name]; !ok {
			rep.Counts[name] = [3]int{}
		}
	}
	d.Report = rep

	pairs := make([]string, 0, len(entries))
	for _, split := range []struct {
		items []item
	}{{train}, {val}, {test}} {
		for _, it := range split.items {
			pairs = append(pairs, hex.EncodeToString(it.hash[:])+" "+c.Classes[files[it.file].class])
		}
	}
	d.Fingerprint = fingerprint(c, pairs)
	return d
}

// fingerprint returns the hex SHA-256 of the configuration and the
// (content hash, class) pairs of the kept images.
func fingerprint(c config, pairs []string) string {
	slices.Sort(pairs)
	h := sha256.New()
	fmt.Fprintf(h, "artlens dataset v1\nclasses %q\nsize %d\nval %v\nseed %d\n", c.Classes, c.Size, c.ValFraction, c.Seed)
	for _, p := range pairs {
		fmt.Fprintln(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// lut maps an 8-bit channel value to its input value, as picture.ToInput
// computes it.
var lut = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// toFloat sets dst[i] to the input value of the 8-bit value src[i].
func toFloat(dst []float32, src []uint8) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = lut[v]
	}
}

// decodeAll reads, hashes and decodes the files in parallel. Each distinct
// content is decoded once. progress, if not nil, is called from the calling
// goroutine.
func decodeAll(root string, size int, files []file, progress func(done, total int)) []result {
	results := make([]result, len(files))
	var (
		mu    sync.Mutex
		slots = make(map[[32]byte]*slot)
	)
	jobs := make(chan int)
	done := make(chan int, 64)
	workers := runtime.NumCPU()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = process(root, files[i], size, &mu, slots)
				done <- i
			}
		}()
	}
	go func() {
		for i := range files {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		close(done)
	}()
	if progress != nil {
		progress(0, len(files))
	}
	n := 0
	for range done {
		n++
		if progress != nil {
			progress(n, len(files))
		}
	}
	return results
}

// process reads, hashes and, if its content is new, decodes one file.
func process(root string, f file, size int, mu *sync.Mutex, slots map[[32]byte]*slot) result {
	if f.class < 0 {
		return result{}
	}
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.rel)))
	if err != nil {
		return result{err: readError(err)}
	}
	h := sha256.Sum256(data)
	mu.Lock()
	s, seen := slots[h]
	if !seen {
		s = new(slot)
		slots[h] = s
	}
	mu.Unlock()
	if seen {
		// Another worker decodes (or decoded) the same bytes; the result
		// is read after all workers are done.
		return result{hash: h, slot: s}
	}
	img, _, err := picture.Decode(data)
	if err != nil {
		s.err = err
		return result{hash: h, slot: s}
	}
	in := picture.ToInput(img, size)
	s.pix = make([]uint8, len(in))
	for i, v := range in {
		s.pix[i] = uint8(math.Round(float64(v) * 255))
	}
	return result{hash: h, slot: s}
}

// readError rewords a file-system error as a sentence.
func readError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("the file vanished while the data set was read")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("permission to read the file was denied")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("the file could not be read: %v", err)
}

// TestDir returns the absolute path of the data set's test split folder
// (validation_set) for dir, which may be that folder itself, the folder
// holding it (the download's art-images), or a folder holding art-images/.
// It fails, in a sentence, when dir is none of these.
func TestDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("the folder %s does not exist (moved or deleted?)", abs)
	case err != nil:
		return "", err
	case !fi.IsDir():
		return "", fmt.Errorf("%s is not a folder", abs)
	}
	if filepath.Base(abs) == TestFolder {
		return abs, nil
	}
	for _, p := range []string{filepath.Join(abs, TestFolder), filepath.Join(abs, "art-images", TestFolder)} {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s holds no %s folder: choose the folder of the Art Images download (art-images), which holds %s and %s",
		abs, TestFolder, TrainFolder, TestFolder)
}
