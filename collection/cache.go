package collection

import (
	"bufio"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/artlens/artlens/internal/atomicfile"
)

// cacheVersion changes whenever the cache file's content changes meaning.
// Version 1 was one gob message holding everything (cacheFile's maps),
// which gob builds whole in memory on writing and reads whole on reading:
// a second copy of the cache, 420 MB for 100,000 pictures. Version 2 is a
// header followed by chunks of at most cacheChunk records (cacheFile with
// counts, then cacheChunks). Version 1 files are still read; the next save
// writes version 2.
const cacheVersion = 2

// cacheChunk is the number of records or stamps per gob message of a
// version 2 cache file: about 2 MB of records, so that saving and loading
// hold that much beside the cache rather than a second copy of it.
const cacheChunk = 512

// Cache keeps analysed pictures on disk, so that reopening a collection
// does not run the network again. Records are keyed by the SHA-256 of the
// file's content; a file whose size and modification time are unchanged
// since it was hashed is not read again (as make and rsync assume), so
// reopening costs one stat per file. A cache belongs to one model
// fingerprint and one collection (the folders opened): it is a single file
// named after both.
//
// Its methods may be called from several goroutines.
type Cache struct {
	path        string
	fingerprint string

	mu      sync.Mutex
	records map[[32]byte]*Record
	stamps  map[string]stamp
	used    map[[32]byte]bool
	dirty   bool
	merged  []string // shard files taken in, removed once saved
}

// stamp is what was known of a file when it was hashed.
type stamp struct {
	Size    int64
	ModTime int64 // UnixNano
	Hash    [32]byte
}

// cacheFile is the first gob message of a cache file. In version 1 it
// holds the maps and is the whole file; in version 2 the maps are empty
// and NRecords records and NStamps stamps follow in cacheChunks (a version
// 1 file decodes with the counts zero, a version 2 one with the maps nil).
type cacheFile struct {
	Version     int
	Fingerprint string
	Records     map[[32]byte]*Record
	Stamps      map[string]stamp

	NRecords, NStamps int
}

// cacheChunks is one gob message after a version 2 cache file's header:
// records with their content hashes, or stamps with their paths.
type cacheChunks struct {
	Hashes  [][32]byte
	Records []*Record
	Paths   []string
	Stamps  []stamp
}

// DefaultCacheDir returns the folder of collection caches in the user's
// cache folder (for example ~/.cache/artlens/collections on Linux).
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "artlens", "collections"), nil
}

// OpenCache opens the cache in dir of the model with the given fingerprint
// (see Fingerprint) for the collection of paths. A missing, damaged or
// outdated cache file gives an empty cache, not an error: the pictures are
// simply analysed again. The folder is created when the cache is saved.
//
// The caches that the shards of the same collection saved beside it (see
// OpenShardCache) join it; their files are removed once it is saved.
func OpenCache(dir, fingerprint string, paths []string) *Cache {
	c := newCache(dir, fingerprint, paths, "")
	c.load(c.path)
	base := strings.TrimSuffix(filepath.Base(c.path), ".gob") + "-shard-"
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if name := e.Name(); strings.HasPrefix(name, base) && strings.HasSuffix(name, ".gob") {
			if p := filepath.Join(dir, name); c.load(p) {
				c.merged = append(c.merged, p)
				c.dirty = true
			}
		}
	}
	return c
}

// OpenShardCache opens the cache of part i of n of the collection of paths
// (artlens analyse --shard I/N): a file of its own beside the whole
// collection's (pruned with it, see PruneCaches), so that shards running at once in one cache folder do not
// overwrite each other, which the next OpenCache of the whole collection
// takes in.
func OpenShardCache(dir, fingerprint string, paths []string, i, n int) *Cache {
	c := newCache(dir, fingerprint, paths, fmt.Sprintf("-shard-%d-of-%d", i, n))
	c.load(c.path)
	return c
}

func newCache(dir, fingerprint string, paths []string, suffix string) *Cache {
	key := sha256.New()
	for _, p := range paths {
		fmt.Fprintln(key, absOr(p))
	}
	name := fmt.Sprintf("%s-%s%s.gob", shortHash(fingerprint), hex.EncodeToString(key.Sum(nil))[:16], suffix)
	return &Cache{path: filepath.Join(dir, name), fingerprint: fingerprint,
		records: map[[32]byte]*Record{}, stamps: map[string]stamp{}, used: map[[32]byte]bool{}}
}

// load adds the records and stamps of the cache file at path that c lacks,
// and reports whether the file was a cache of c's model. A file that is
// damaged or cut short adds nothing.
func (c *Cache) load(path string) bool {
	records, stamps, ok := readCache(path, c.fingerprint)
	if !ok {
		return false
	}
	if len(c.records) == 0 {
		c.records, records = records, nil
	}
	if len(c.stamps) == 0 {
		c.stamps, stamps = stamps, nil
	}
	for h, r := range records {
		if _, ok := c.records[h]; !ok {
			c.records[h] = r
		}
	}
	for p, s := range stamps {
		if _, ok := c.stamps[p]; !ok {
			c.stamps[p] = s
		}
	}
	return true
}

// readCache reads the cache file at path of the model with the given
// fingerprint, chunk by chunk (see cacheVersion).
func readCache(path, fingerprint string) (map[[32]byte]*Record, map[string]stamp, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, false
	}
	defer f.Close()
	dec := gob.NewDecoder(bufio.NewReaderSize(f, 1<<16))
	var cf cacheFile
	if err := dec.Decode(&cf); err != nil || cf.Fingerprint != fingerprint {
		return nil, nil, false
	}
	switch cf.Version {
	case 1:
		if cf.Records == nil {
			cf.Records = map[[32]byte]*Record{}
		}
		if cf.Stamps == nil {
			cf.Stamps = map[string]stamp{}
		}
		return cf.Records, cf.Stamps, true
	case cacheVersion:
	default:
		return nil, nil, false
	}
	if cf.NRecords < 0 || cf.NStamps < 0 {
		return nil, nil, false
	}
	// The counts come from the file: capped, so that a damaged header
	// cannot ask for a huge map.
	records := make(map[[32]byte]*Record, min(cf.NRecords, 1<<20))
	stamps := make(map[string]stamp, min(cf.NStamps, 1<<20))
	for len(records) < cf.NRecords || len(stamps) < cf.NStamps {
		var ch cacheChunks
		if err := dec.Decode(&ch); err != nil || len(ch.Hashes) != len(ch.Records) || len(ch.Paths) != len(ch.Stamps) ||
			len(ch.Records)+len(ch.Stamps) == 0 {
			return nil, nil, false
		}
		for i, h := range ch.Hashes {
			if ch.Records[i] == nil {
				return nil, nil, false
			}
			records[h] = ch.Records[i]
		}
		for i, p := range ch.Paths {
			stamps[p] = ch.Stamps[i]
		}
	}
	if len(records) != cf.NRecords || len(stamps) != cf.NStamps {
		return nil, nil, false
	}
	return records, stamps, true
}

func shortHash(s string) string {
	if len(s) > 16 {
		return s[:16]
	}
	return s
}

// Path returns the cache's file.
func (c *Cache) Path() string { return c.path }

// Len returns the number of records held.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.records)
}

// hashOf returns the content hash of the file at path if its size and
// modification time are those it had when it was hashed.
func (c *Cache) hashOf(path string, info fs.FileInfo) ([32]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.stamps[path]
	if !ok || s.Size != info.Size() || s.ModTime != info.ModTime().UnixNano() {
		return [32]byte{}, false
	}
	return s.Hash, true
}

func (c *Cache) notePath(path string, info fs.FileInfo, hash [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stamps[path] = stamp{info.Size(), info.ModTime().UnixNano(), hash}
	c.dirty = true
}

func (c *Cache) record(hash [32]byte) *Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.records[hash]
}

func (c *Cache) put(hash [32]byte, r *Record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.records[hash] = r
	c.dirty = true
}

// startRun forgets which records were used, at the start of an analysis
// of the whole collection.
func (c *Cache) startRun() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.used)
}

// use marks a record as part of the collection, so that Save(true) keeps it.
func (c *Cache) use(hash [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used[hash] = true
}

// Save writes the cache file if anything changed. With prune (after a
// complete analysis of the collection) it first drops what the collection no longer holds:
// the records of contents not seen and the stamps of files not seen, so
// that the file does not grow with every edit.
func (c *Cache) Save(prune bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if prune {
		for h := range c.records {
			if !c.used[h] {
				delete(c.records, h)
				c.dirty = true
			}
		}
		for p, s := range c.stamps {
			if !c.used[s.Hash] {
				delete(c.stamps, p)
				c.dirty = true
			}
		}
	}
	if !c.dirty {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return err
	}
	err := atomicfile.Write(c.path, 0o644, c.write)
	if err != nil {
		return fmt.Errorf("the collection cache could not be saved: %w", err)
	}
	for _, p := range c.merged {
		os.Remove(p)
	}
	c.dirty, c.merged = false, nil
	return nil
}

// write writes the cache file's content (version cacheVersion) to w, a
// chunk at a time: gob builds each message whole in memory before writing
// it, so one message of everything would hold a second copy of the cache.
// c.mu is held.
func (c *Cache) write(w io.Writer) error {
	enc := gob.NewEncoder(w)
	if err := enc.Encode(cacheFile{Version: cacheVersion, Fingerprint: c.fingerprint, NRecords: len(c.records), NStamps: len(c.stamps)}); err != nil {
		return err
	}
	var ch cacheChunks
	flush := func() error {
		if len(ch.Hashes)+len(ch.Paths) == 0 {
			return nil
		}
		err := enc.Encode(&ch)
		clear(ch.Records) // let the records go with the cache, not with this buffer
		ch.Hashes, ch.Records, ch.Paths, ch.Stamps = ch.Hashes[:0], ch.Records[:0], ch.Paths[:0], ch.Stamps[:0]
		return err
	}
	for h, r := range c.records {
		ch.Hashes, ch.Records = append(ch.Hashes, h), append(ch.Records, r)
		if len(ch.Hashes) == cacheChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	for p, s := range c.stamps {
		ch.Paths, ch.Stamps = append(ch.Paths, p), append(ch.Stamps, s)
		// Stamps are small (a path and 48 bytes): more to a message.
		if len(ch.Paths) == 16*cacheChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// OpenAnswerCache opens the cache in dir of the answers of a second model
// (Options.OtherCache) with the given fingerprint on the collection of
// paths: only each picture's probabilities. It is a file of its own
// ("-answers" after the name of the model's own cache of the collection,
// and pruned with it), so that these short records never stand for the
// full ones the model keeps when it is the first.
func OpenAnswerCache(dir, fingerprint string, paths []string) *Cache {
	c := newCache(dir, fingerprint, paths, "-answers")
	c.load(c.path)
	return c
}
