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
const cacheVersion = 1

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

// cacheFile is the gob-encoded content of a cache file.
type cacheFile struct {
	Version     int
	Fingerprint string
	Records     map[[32]byte]*Record
	Stamps      map[string]stamp
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
// and reports whether the file was a cache of c's model.
func (c *Cache) load(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var cf cacheFile
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&cf); err != nil || cf.Version != cacheVersion || cf.Fingerprint != c.fingerprint {
		return false
	}
	if len(c.records) == 0 && cf.Records != nil {
		c.records, cf.Records = cf.Records, nil
	}
	if len(c.stamps) == 0 && cf.Stamps != nil {
		c.stamps, cf.Stamps = cf.Stamps, nil
	}
	for h, r := range cf.Records {
		if _, ok := c.records[h]; !ok {
			c.records[h] = r
		}
	}
	for p, s := range cf.Stamps {
		if _, ok := c.stamps[p]; !ok {
			c.stamps[p] = s
		}
	}
	return true
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
	err := atomicfile.Write(c.path, 0o644, func(w io.Writer) error {
		return gob.NewEncoder(w).Encode(cacheFile{Version: cacheVersion, Fingerprint: c.fingerprint, Records: c.records, Stamps: c.stamps})
	})
	if err != nil {
		return fmt.Errorf("the collection cache could not be saved: %w", err)
	}
	for _, p := range c.merged {
		os.Remove(p)
	}
	c.dirty, c.merged = false, nil
	return nil
}
