package prefs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/artlens/artlens/internal/atomicfile"
)

// Store holds string preferences, backed by a file (or by nothing, for
// tests). Its methods may be called from several goroutines.
type Store struct {
	path string
	mu   sync.Mutex
	vals map[string]string
}

// DefaultPath returns the preferences file in the user's configuration
// folder (for example ~/.config/artlens/preferences.json on Linux).
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "artlens", "preferences.json"), nil
}

// Memory returns a store that keeps its values in memory only.
func Memory() *Store { return &Store{vals: map[string]string{}} }

// Open reads the store at path. A missing file is an empty store (isNew
// reports it, for migrating older preferences). A damaged file (empty, cut
// short, not a JSON object of strings) is moved aside by MoveAside and the
// store starts empty; a file that cannot be read is left alone and the
// store keeps its values in memory only. In both cases notice says what
// happened, in a sentence for the user; it is "" otherwise.
func Open(path string) (s *Store, isNew bool, notice string) {
	vals, err := read(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &Store{path: path, vals: map[string]string{}}, true, ""
	case errors.Is(err, errDamaged):
		aside, merr := MoveAside(path)
		if merr != nil {
			return Memory(), false, fmt.Sprintf("The preferences file %s is damaged and could not be moved aside (%v): nothing will be remembered this time.", path, merr)
		}
		return &Store{path: path, vals: map[string]string{}}, false,
			fmt.Sprintf("The preferences file was damaged; it was moved to %s and what ArtLens remembered (such as the data set's folder) will be asked again.", aside)
	case err != nil:
		return Memory(), false, fmt.Sprintf("The preferences file could not be read (%v): nothing will be remembered this time.", err)
	}
	return &Store{path: path, vals: vals}, false, ""
}

var errDamaged = errors.New("damaged")

// read returns the values in the file at path, fs.ErrNotExist if there is
// none, or errDamaged.
func read(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var vals map[string]string
	if err := json.Unmarshal(data, &vals); err != nil || vals == nil {
		return nil, errDamaged
	}
	return vals, nil
}

// Path returns the store's file, "" for one in memory.
func (s *Store) Path() string { return s.path }

// String returns the value of key, "" if it has none.
func (s *Store) String(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vals[key]
}

// SetString sets key to value ("" removes it) and writes the file at once,
// atomically. The file is read again first, so that a value another
// ArtLens window set meanwhile is kept.
func (s *Store) SetString(key, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if value == "" {
		delete(s.vals, key)
	} else {
		s.vals[key] = value
	}
	if s.path == "" {
		return nil
	}
	if disk, err := read(s.path); err == nil {
		for k, v := range disk {
			if k != key {
				s.vals[k] = v
			}
		}
	}
	data, err := json.MarshalIndent(s.vals, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(s.path, append(data, '\n'), 0o600)
}

// MoveAside renames the file at path to path.damaged (path.damaged-2 and
// so on when that is taken) and returns the new name.
func MoveAside(path string) (string, error) {
	for i := 1; ; i++ {
		aside := path + ".damaged"
		if i > 1 {
			aside = fmt.Sprintf("%s.damaged-%d", path, i)
		}
		if _, err := os.Lstat(aside); errors.Is(err, fs.ErrNotExist) {
			return aside, os.Rename(path, aside)
		}
	}
}

// CheckJSON moves the file at path aside (see MoveAside) when it exists
// but is not a JSON object, as Fyne's preferences file is left after an
// interrupted write, and returns where it went; "" when the file is whole
// or absent.
func CheckJSON(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil
	}
	var obj map[string]any
	if json.Unmarshal(data, &obj) == nil && obj != nil {
		return "", nil
	}
	return MoveAside(path)
}
