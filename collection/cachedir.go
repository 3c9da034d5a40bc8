package collection

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// CacheLimit is the most that the caches of one folder (see
// DefaultCacheDir) hold together: PruneCaches removes the least recently
// used beyond it. A cache takes about 4.2 KB per distinct picture (36 MB
// for the Art Images data set), so 1 GiB holds about 250,000.
const CacheLimit = 1 << 30

// CacheMaxAge is how long a cache that is not used is kept: the cache of
// a model no longer used, or of folders no longer opened.
const CacheMaxAge = 90 * 24 * time.Hour

// cacheName matches a cache file's name (model, then folders) and, in
// its second part, the files kept beside it (such as maps, "-map-…").
var cacheName = regexp.MustCompile(`^([0-9a-f]{1,16}-[0-9a-f]{16})(\.gob|-.+\.gob)$`)

// cacheGroup is a cache file with the files kept beside it.
type cacheGroup struct {
	files []string
	size  int64
	used  time.Time // the latest modification of its files
}

// cacheGroups reads dir's caches; a missing dir has none.
func cacheGroups(dir string) (map[string]*cacheGroup, []string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	groups := map[string]*cacheGroup{}
	var temps []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		name := e.Name()
		if strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-") {
			// Left by a save (".NAME.tmp-…", package atomicfile) that
			// was interrupted an hour ago or more (a save in progress is
			// younger).
			if time.Since(info.ModTime()) > time.Hour {
				temps = append(temps, filepath.Join(dir, name))
			}
			continue
		}
		m := cacheName.FindStringSubmatch(name)
		if m == nil {
			continue // not ArtLens's: left alone
		}
		g := groups[m[1]]
		if g == nil {
			g = &cacheGroup{}
			groups[m[1]] = g
		}
		g.files = append(g.files, filepath.Join(dir, name))
		g.size += info.Size()
		if info.ModTime().After(g.used) {
			g.used = info.ModTime()
		}
	}
	return groups, temps, nil
}

// PruneCaches keeps the caches in dir within limit bytes: it removes the
// caches not used for CacheMaxAge, then the least recently used ones until
// the others hold at most limit bytes together, and what interrupted saves
// left. A cache goes with the files kept beside it (a map of its
// collection). keep, the paths of the caches just used (a first model's
// and a second model's answers; "" for none), are marked as used now and
// never removed, whatever their size. Files of other names are
// left alone. It returns the number of caches removed and the bytes freed.
func PruneCaches(dir string, limit int64, keep ...string) (removed int, freed int64, err error) {
	keepKeys := map[string]bool{}
	for _, k := range keep {
		if k == "" {
			continue
		}
		now := time.Now()
		if err := os.Chtimes(k, now, now); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return 0, 0, err
		}
		if m := cacheName.FindStringSubmatch(filepath.Base(k)); m != nil && filepath.Dir(k) == filepath.Clean(dir) {
			keepKeys[m[1]] = true
		}
	}
	groups, temps, err := cacheGroups(dir)
	if err != nil {
		return 0, 0, err
	}
	for _, t := range temps {
		os.Remove(t)
	}
	keys := make([]string, 0, len(groups))
	var total int64
	for k, g := range groups {
		keys = append(keys, k)
		total += g.size
	}
	// Oldest first.
	sort.Slice(keys, func(i, j int) bool { return groups[keys[i]].used.Before(groups[keys[j]].used) })
	for _, k := range keys {
		g := groups[k]
		if keepKeys[k] || (total <= limit && time.Since(g.used) <= CacheMaxAge) {
			continue
		}
		for _, f := range g.files {
			if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return removed, freed, err
			}
		}
		removed++
		freed += g.size
		total -= g.size
	}
	return removed, freed, nil
}

// CacheUsage returns the number of caches in dir and the bytes they take.
func CacheUsage(dir string) (caches int, size int64, err error) {
	groups, _, err := cacheGroups(dir)
	for _, g := range groups {
		size += g.size
	}
	return len(groups), size, err
}

// ClearCaches removes every cache in dir (with the files kept beside
// them), so that every collection is analysed again; files of other names
// are left alone. It returns the number of caches removed and the bytes
// freed.
func ClearCaches(dir string) (removed int, freed int64, err error) {
	groups, temps, err := cacheGroups(dir)
	if err != nil {
		return 0, 0, err
	}
	for _, t := range temps {
		os.Remove(t)
	}
	for _, g := range groups {
		for _, f := range g.files {
			if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return removed, freed, err
			}
		}
		removed++
		freed += g.size
	}
	return removed, freed, nil
}
