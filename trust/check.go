package trust

import (
	"context"
	"fmt"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
)

// Check is every trust figure of one map.
type Check struct {
	// Method is the method that made the map; Class the class it explains.
	Method string `json:"method"`
	Class  int    `json:"class"`
	// Deletion and Insertion are the curves of Curves: a faithful map
	// has a low deletion AUC and a high insertion AUC.
	Deletion  Curve  `json:"deletion"`
	Insertion Curve  `json:"insertion"`
	Sanity    Sanity `json:"sanity"`
}

// Progress reports how far a check has come: done of total units of work
// (a curve point counts as little beside a map made again, so the units
// are the sanity check's steps plus one for the curves).
type Progress func(done, total int)

// CheckMap computes every figure for map mp, which method made for req on
// m (req.Input is the picture): deletion and insertion, then the sanity
// check seeded by seed. progress may be nil. It stops with ctx's error
// when ctx is cancelled, and never changes m.
func CheckMap(ctx context.Context, m *engine.Model, method explain.Method, req explain.Request, mp explain.Map, seed uint64, progress Progress) (Check, error) {
	c := Check{Method: method.Name, Class: mp.Class}
	var err error
	c.Deletion, c.Insertion, err = Curves(ctx, m, req.Input, mp)
	if err != nil {
		return Check{}, err
	}
	steps := len(groups(m.Weights()))
	if progress != nil {
		progress(1, steps+1)
	}
	c.Sanity, err = SanityCheck(ctx, m, method, req, mp, seed, func(done, _ int) {
		if progress != nil {
			progress(1+done, steps+1)
		}
	})
	if err != nil {
		return Check{}, err
	}
	return c, nil
}

// CheckPicture makes the map of the method called name for req and checks
// it (CheckMap); the map comes back too, to be shown beside the figures.
func CheckPicture(ctx context.Context, m *engine.Model, name string, req explain.Request, seed uint64, progress Progress) (explain.Map, Check, error) {
	method, err := explain.LookupMethod(name)
	if err != nil {
		return explain.Map{}, Check{}, err
	}
	mp, err := method.Run(ctx, m, req)
	if err != nil {
		return explain.Map{}, Check{}, fmt.Errorf("trust: %s: %w", name, err)
	}
	req.Class = mp.Class
	c, err := CheckMap(ctx, m, method, req, mp, seed, progress)
	return mp, c, err
}
