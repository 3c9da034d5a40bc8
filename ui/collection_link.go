package ui

import (
	colview "github.com/artlens/artlens/ui/collection"
)

// CollectionShows describes the values of Options.Show (see
// colview.Shows).
const CollectionShows = colview.Shows

// collectionView is the Collection view (package ui/collection) as the
// shell holds it: Explore tells it of a new second opinion and sends the
// user to a filter's pictures.
type collectionView struct{ *colview.View }

func (c *collectionView) secondChanged() { c.SecondChanged() }

func (c *collectionView) showFilter(layer, filter int) { c.ShowFilter(layer, filter) }

// newCollectionTab builds the Collection view on the shell: the
// command line's options, and the Confusion view told of new answers on
// the test set. The second opinion is the host's (Host.Second).
func newCollectionTab(s *shell) *collectionView {
	return &collectionView{colview.New(s.Host, colview.Options{
		Show: s.opts.Show, Method: s.opts.Method, RunChecks: s.opts.RunChecks,
		TestAnswers: func() {
			if s.confusion != nil {
				s.confusion.refreshNote()
			}
		},
	})}
}
