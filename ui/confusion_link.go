package ui

import (
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/ui/confusion"
)

// prefDataDir is the preference that remembers the data set's test folder
// (see confusion.PrefDataDir).
const prefDataDir = confusion.PrefDataDir

// confusionView is the Confusion view as the shell holds it; the
// Collection view tells it of new answers on the test set (refreshNote).
type confusionView struct{ *confusion.View }

func (v *confusionView) refreshNote() { v.RefreshNote() }

// collectionTests is the Collection view as the Confusion view sees it:
// where a cell's test pictures are listed (confusion.TestSet).
type collectionTests struct{ s *shell }

func (t collectionTests) IsOpen() bool { return t.s.collection.IsOpenTestSet() }

func (t collectionTests) ShowCell(truth, pred string) { t.s.collection.ShowTestCell(truth, pred) }

func (t collectionTests) Open(dir, truth, pred string) { t.s.collection.OpenTestSet(dir, truth, pred) }

func (t collectionTests) Agreement(m *engine.Model) (confusion.Agreement, bool) {
	r, ok := t.s.collection.TestResults(m)
	return confusion.Agreement(r), ok
}
