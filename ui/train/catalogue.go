package train

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/catalogue"
	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/training"
)

// fromFolders is the "Classes from" choice that keeps the class folders.
const fromFolders = "class folders"

// catChoice is the optional catalogue whose fields can make the classes,
// as 'artlens train --catalogue F --label FIELD' does.
type catChoice struct {
	path   string // the catalogue in use ("" none)
	chosen bool   // picked with Catalogue… (kept when another folder opens), not found by itself
	from   *widget.Select
	line   *widget.Label // the catalogue, its classes and counts, or why it is not used
	key    string        // what labels were made for (folder, catalogue, field, share)
	labels dataset.Config
	sum    string
}

// newCatChoice builds the "Classes from" select; changing it rescans.
func (v *View) newCatChoice() {
	v.cat.from = widget.NewSelect([]string{fromFolders}, func(string) {
		if v.dir != "" {
			v.scan()
		}
		v.explain()
	})
	v.cat.from.Selected = fromFolders
	v.cat.line = widget.NewLabel("")
	v.cat.line.Wrapping = fyne.TextWrapWord
	v.cat.line.Hide()
}

// setCatalogue uses the catalogue at path, chosen or found by itself in
// the folder. A catalogue that cannot be read is reported and changes
// nothing else.
func (v *View) setCatalogue(path string, chosen bool) {
	cat, err := catalogue.Open(path)
	if err != nil {
		showText(v.cat.line, fmt.Sprintf("Catalogue %s not used: %s", filepath.Base(path), oneLine(err)))
		return
	}
	v.cat.path, v.cat.chosen, v.cat.key = path, chosen, ""
	opts := append([]string{fromFolders}, cat.FieldNames()...)
	v.cat.from.Options = opts
	if !slices.Contains(opts, v.cat.from.Selected) {
		v.cat.from.Selected = fromFolders
	}
	v.cat.from.Refresh()
	fields := "fields"
	if len(cat.Fields) == 1 {
		fields = "field"
	}
	showText(v.cat.line, fmt.Sprintf("Catalogue %s: %d %s (%s); choose one under Classes from to train on its values.",
		filepath.Base(path), len(cat.Fields), fields, strings.Join(cat.FieldNames(), ", ")))
	if v.dir != "" {
		v.scan()
	}
	v.explain()
}

// folderOpened finds the folder's catalogue.csv unless one was chosen.
func (v *View) folderOpened(dir string) {
	v.cat.key = ""
	if v.cat.chosen {
		return
	}
	v.cat.path = ""
	v.cat.from.Options = []string{fromFolders}
	v.cat.from.Selected = fromFolders
	v.cat.from.Refresh()
	showText(v.cat.line, "")
	if found := catalogue.Find(dir); found != "" {
		v.setCatalogue(found, false)
	}
}

// field is the catalogue field chosen to make the classes, "" for the
// class folders.
func (v *View) field() string {
	if v.cat.path == "" || v.cat.from.Selected == fromFolders {
		return ""
	}
	return v.cat.from.Selected
}

// labelConfig is the data configuration for training on the chosen
// field's classes, made as 'artlens train --label' makes it (and kept
// until the folder, catalogue, field or share changes, since it reads the
// folder).
func (v *View) labelConfig(val float64) (dataset.Config, error) {
	key := fmt.Sprint(v.dir, "\x00", v.cat.path, "\x00", v.field(), "\x00", val, "\x00", v.cacheDir)
	if key == v.cat.key {
		return v.cat.labels, nil
	}
	cfg, sum, err := labelConfig(v.dir, v.cat.path, v.field(), val, v.cacheDir)
	if err != nil {
		showText(v.cat.line, "Catalogue "+filepath.Base(v.cat.path)+": "+oneLine(err))
		return cfg, err
	}
	v.cat.key, v.cat.labels, v.cat.sum = key, cfg, sum
	showText(v.cat.line, "Catalogue "+filepath.Base(v.cat.path)+": "+sum)
	return cfg, nil
}

// labelConfig joins the catalogue at catFile to the pictures under dir and
// makes field's classes (catalogue.Joined.LabelsFor, training.LabelConfig:
// the command's code path). It returns the classes' summary line.
func labelConfig(dir, catFile, field string, val float64, cacheDir string) (dataset.Config, string, error) {
	files, _, err := collection.Scan([]string{dir})
	if err != nil {
		return dataset.Config{}, "", err
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	cat, err := catalogue.Open(catFile)
	if err != nil {
		return dataset.Config{}, "", err
	}
	j := cat.Join(dir, paths)
	if j.Matched == 0 {
		return dataset.Config{}, "", fmt.Errorf("it names none of the pictures in %s", dir)
	}
	l, err := j.LabelsFor(dir, paths, field)
	if err != nil {
		return dataset.Config{}, "", err
	}
	return training.LabelConfig(dir, l.Classes, l.ByPath, val, cacheDir), l.Summary(), nil
}
