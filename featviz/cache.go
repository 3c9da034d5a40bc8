package featviz

import (
	"context"
	"sync"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/engine"
)

// Cache keeps visualizations per model fingerprint, goal and options; it
// may be used from several goroutines. The zero Cache is ready.
type Cache struct {
	mu   sync.Mutex
	done map[cacheKey]*Result
}

type cacheKey struct {
	model string
	goal  Goal
	opt   Options
}

// Visualize returns the kept result for m (by its weights' fingerprint),
// goal and opt, or computes it as Visualize does and keeps it.
func (c *Cache) Visualize(ctx context.Context, m *engine.Model, goal Goal, opt Options, progress func(done, total int)) (*Result, error) {
	in := m.Input()
	key := cacheKey{collection.Fingerprint(m), goal, opt.withDefaults(min(in.Height, in.Width))}
	c.mu.Lock()
	r := c.done[key]
	c.mu.Unlock()
	if r != nil {
		if progress != nil {
			progress(key.opt.Steps, key.opt.Steps)
		}
		return r, nil
	}
	r, err := Visualize(ctx, m, goal, opt, progress)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.done == nil {
		c.done = map[cacheKey]*Result{}
	}
	c.done[key] = r
	c.mu.Unlock()
	return r, nil
}
