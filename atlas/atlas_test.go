package atlas

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/artlens/artlens/collection"
)

// blobs returns per blobs Gaussian clouds of size points in d dimensions,
// as items whose predicted class is their cloud: centres drawn at random
// (nearly orthogonal in many dimensions), each point the centre plus noise
// of a quarter of the centre's spread, kept non-negative as features after a
// ReLU are.
func blobs(count, size, d int, seed uint64) []*collection.Item {
	rng := rand.New(rand.NewPCG(seed, 1))
	var items []*collection.Item
	for b := range count {
		centre := make([]float32, d)
		for j := range centre {
			centre[j] = float32(math.Abs(rng.NormFloat64()))
		}
		for p := range size {
			f := make([]float32, d)
			for j := range f {
				f[j] = float32(max(0, float64(centre[j])+0.25*rng.NormFloat64()))
			}
			var h [32]byte
			binary.LittleEndian.PutUint64(h[:], uint64(b*size+p))
			h = sha256.Sum256(h[:])
			items = append(items, &collection.Item{Path: "p", Class: b, Truth: b, Hash: h,
				Record: &collection.Record{Features: f}})
		}
	}
	return items
}

// neighbourAgreement returns, averaged over the points, the share of each
// point's k nearest others on the map that have its class.
func neighbourAgreement(pts []Point, class []int, k int) float64 {
	total := 0.0
	d := make([]int, len(pts))
	for i, p := range pts {
		for j := range d {
			d[j] = j
		}
		sort.Slice(d, func(a, b int) bool { return p.dist2(pts[d[a]]) < p.dist2(pts[d[b]]) })
		same, seen := 0, 0
		for _, j := range d {
			if j == i {
				continue
			}
			if class[j] == class[i] {
				same++
			}
			if seen++; seen == k {
				break
			}
		}
		total += float64(same) / float64(k)
	}
	return total / float64(len(pts))
}

// TestBlobsComeOutApart lays out five clouds of 256-dimensional points:
// on the map each cloud must be its own island, farther from the others
// than its points are from one another, and k-means must find the clouds.
func TestBlobsComeOutApart(t *testing.T) {
	items := blobs(5, 150, 256, 7)
	classes := []string{"a", "b", "c", "d", "e"}
	for _, method := range []Method{UMAP, TSNE} {
		t.Run(string(method), func(t *testing.T) {
			m, err := Build(context.Background(), items, classes, Options{Method: method, Clusters: 5}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Points) != len(items) {
				t.Fatalf("%d points for %d items", len(m.Points), len(items))
			}
			if a := neighbourAgreement(m.Points, m.Classes, 10); a < 0.999 {
				t.Errorf("10 nearest neighbours share the cloud %.3f of the time, want all", a)
			}
			// Apart: the closest two points of different clouds are
			// farther than a typical point is from its nearest.
			cross, within := math.Inf(1), make([]float64, len(m.Points))
			for i, p := range m.Points {
				within[i] = math.Inf(1)
				for j, q := range m.Points {
					if i == j {
						continue
					}
					d := math.Sqrt(p.dist2(q))
					if m.Classes[i] != m.Classes[j] {
						cross = min(cross, d)
					} else {
						within[i] = min(within[i], d)
					}
				}
			}
			sort.Float64s(within)
			median := within[len(within)/2]
			if cross < 3*median {
				t.Errorf("closest points of two clouds %.4f apart, a point's nearest in its cloud %.4f (median): not apart", cross, median)
			}
			// Each cluster is one cloud, named after it.
			for c, cl := range m.Clusters {
				for i, of := range m.Of {
					if of == c && m.Classes[i] != cl.Class {
						t.Fatalf("cluster %d (%s) holds a point of cloud %d", c, cl.Name, m.Classes[i])
					}
				}
				if cl.Size != 150 || m.Of[cl.Rep] != c {
					t.Errorf("cluster %d: size %d, representative in cluster %d", c, cl.Size, m.Of[cl.Rep])
				}
				if want := classes[cl.Class] + " 1"; cl.Name != want {
					t.Errorf("cluster %d named %q, want %q", c, cl.Name, want)
				}
			}
			for _, p := range m.Points {
				if p.X < 0 || p.X > 1 || p.Y < 0 || p.Y > 1 {
					t.Fatalf("point %v outside the unit square", p)
				}
			}
		})
	}
}
