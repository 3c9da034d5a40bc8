package sgemm

import "sync"

// PanelWidth is the number of columns of a packed panel of B (see
// Source).
const PanelWidth = nr

// Source is a matrix B that is not stored as one, such as the im2col
// matrix of an image, which a convolution would otherwise have to write
// out before the product copies it into panels.
type Source interface {
	// PackB copies rows [p0, p0+depth) and columns [j0, j0+cols) of B
	// into dst as panels of PanelWidth columns: within a panel, for each
	// row, its PanelWidth values; columns past the range are zero. dst
	// holds depth rows of whole panels. Several goroutines may call it at
	// once.
	PackB(dst []float32, p0, depth, j0, cols int)
}

const (
	mr = 6   // rows of A per panel, of C per kernel call
	nr = 16  // columns of B per panel, of C per kernel call
	kc = 256 // values of the shared dimension per packed block
	mc = 72  // rows of A packed at a time (a multiple of mr)
	nc = 512 // columns of B packed at a time (a multiple of nr)
)

// Mul sets c (m×n) to a·b, or adds a·b to c when acc is set. a is m×k,
// stored transposed (k×m) when ta is set; b is k×n, stored transposed
// (n×k) when tb is set. lda, ldb and ldc are the row strides of a, b and c
// as stored. Up to threads goroutines share the work, each taking a range
// of columns of c; the result does not depend on their number.
func Mul(ta, tb bool, m, n, k int, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int, threads int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if !acc {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	if m == 1 && !tb {
		// One row (a prediction's dense layer): packing B would cost
		// more than the product, so add up rows of B instead, sharing
		// the columns among goroutines when there are many.
		threads = min(threads, n/64, max(1, n*k>>18))
		if threads <= 1 {
			vecMul(k, n, a, lda, ta, b, ldb, acc, c[:n])
			return
		}
		j := getJob()
		defer putJob(j)
		j.operands = operands{ta: ta, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, acc: acc, c: c, ldc: ldc}
		j.shares = threads
		if j.vecShare == nil {
			j.vecShare = j.vecPart // made once per job: Run allocates nothing
		}
		Run(threads, j.vecShare)
		return
	}
	j := getJob()
	defer putJob(j)
	j.operands = operands{ta: ta, tb: tb, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, acc: acc, c: c, ldc: ldc}
	j.mul(threads)
}

// mul computes the job's product on up to threads goroutines.
func (j *job) mul(threads int) {
	// Below about a million multiply-adds a second goroutine costs more
	// than it saves.
	panels := (j.n + nr - 1) / nr
	threads = min(threads, panels, max(1, j.m*j.n*j.k>>20))
	startWorkers(threads - 1)
	// Shares of whole panels; the caller computes the last one.
	j.wg.Add(threads - 1)
	for t := 0; t < threads-1; t++ {
		parts <- part{j: j, j0: t * panels / threads * nr, j1: (t + 1) * panels / threads * nr}
	}
	j.run(&j.buffers, (threads-1)*panels/threads*nr, j.n)
	j.wg.Wait()
}

// job is one call of Mul: its operands, the caller's buffers, and the
// parts handed to workers. Jobs are kept for the next calls, so a call
// allocates nothing (a sync.Pool would drop them at each collection).
type job struct {
	operands
	buffers
	wg sync.WaitGroup

	// A one-row product split in shares of columns (see vecPart).
	shares   int
	vecShare func(int)
}

// vecPart computes share i of j.shares of the columns of a one-row
// product.
func (j *job) vecPart(i int) {
	o := &j.operands
	j0, j1 := i*o.n/j.shares, (i+1)*o.n/j.shares
	vecMul(o.k, j1-j0, o.a, o.lda, o.ta, o.b[j0:], o.ldb, o.acc, o.c[j0:j1])
}

// jobs holds the jobs not in use: as many as calls have run at once, at
// most 64 kept.
var jobs = make(chan *job, 64)

func getJob() *job {
	select {
	case j := <-jobs:
		return j
	default:
		return new(job)
	}
}

func putJob(j *job) {
	j.operands = operands{} // keep no matrices alive
	select {
	case jobs <- j:
	default:
	}
}

// part is the columns [j0, j1) of a job, computed by a worker; or, with
// fn set, the call fn(j0) of Run.
type part struct {
	j      *job
	j0, j1 int
	fn     func(int)
}

// parts feeds the workers: goroutines started as products need them (one
// fewer than the most goroutines a product has used), each with its own
// buffers, waiting for parts for the rest of the program.
var (
	parts   = make(chan part)
	workers struct {
		sync.Mutex
		n int
	}
)

// startWorkers makes sure at least n workers run.
func startWorkers(n int) {
	workers.Lock()
	defer workers.Unlock()
	for ; workers.n < n; workers.n++ {
		go worker()
	}
}

func worker() {
	buf := new(buffers)
	for p := range parts {
		if p.fn != nil {
			p.fn(p.j0)
		} else {
			p.j.run(buf, p.j0, p.j1)
		}
		p.j.wg.Done()
	}
}

// Run calls f(0), ..., f(n-1), f(0) on the calling goroutine and the others
// on the workers that Mul uses, and returns when all have returned. f must
// not call Mul with more than one goroutine. A method value kept by the
// caller makes a call allocate nothing.
func Run(n int, f func(i int)) {
	if n <= 1 {
		if n == 1 {
			f(0)
		}
		return
	}
	startWorkers(n - 1)
	j := getJob()
	defer putJob(j)
	j.wg.Add(n - 1)
	for i := 1; i < n; i++ {
		parts <- part{j: j, j0: i, fn: f}
	}
	f(0)
	j.wg.Wait()
}

// operands is one product to compute.
type operands struct {
	ta, tb  bool
	m, n, k int
	a       []float32
	lda     int
	b       []float32
	ldb     int
	acc     bool
	c       []float32
	ldc     int
	packed  *PackedA // A packed beforehand (MulPacked), or nil
	src     Source   // B as a Source (MulFrom, MulPackedFrom), or nil
}

// buffers holds one goroutine's packed panels and kernel output.
type buffers struct {
	a    [mc * kc]float32
	b    [(nc + nr) * kc]float32 // a zero panel after the last (see run)
	tile [mr * nr]float32
	wide [2 * mr * 2 * nr]float32 // a 12×32 block of the AVX-512 kernels
}

// run computes columns [j0, j1) of c with the given buffers.
func (o *operands) run(buf *buffers, j0, j1 int) {
	depth := blockDepth(o.k)
	for jc := j0; jc < j1; jc += nc {
		ncur := min(nc, j1-jc)
		for pc := 0; pc < o.k; pc += depth {
			kcur := min(depth, o.k-pc)
			add := o.acc || pc > 0
			if o.src != nil {
				o.src.PackB(buf.b[:], pc, kcur, jc, ncur)
			} else {
				o.packB(buf.b[:], pc, kcur, jc, ncur)
			}
			if panels := (ncur + nr - 1) / nr; useAVX512 && panels%2 == 1 {
				// The AVX-512 kernels take B panels in pairs.
				clear(buf.b[panels*nr*kcur : (panels+1)*nr*kcur])
			}
			for ic := 0; ic < o.m; ic += mc {
				mcur := min(mc, o.m-ic)
				pa := buf.a[:]
				if o.packed != nil {
					pa = o.packed.block(pc, ic)
				} else {
					o.packA(pa, ic, mcur, pc, kcur)
				}
				if useAVX512 {
					o.wideBlock(buf, pa, ic, mcur, kcur, jc, ncur, add)
					continue
				}
				for jr := 0; jr < ncur; jr += nr {
					bp := buf.b[jr*kcur : (jr+nr)*kcur]
					for ir := 0; ir < mcur; ir += mr {
						ap := pa[ir*kcur : (ir+mr)*kcur]
						rows, cols := min(mr, mcur-ir), min(nr, ncur-jr)
						if useAsm && rows == mr && cols == nr {
							kernelC(kcur, ap, bp, o.c[(ic+ir)*o.ldc+jc+jr:], o.ldc, add)
							continue
						}
						kernel(kcur, ap, bp, &buf.tile)
						o.store(buf.tile[:], nr, ic+ir, jc+jr, rows, cols, add)
					}
				}
			}
		}
	}
}

// wideBlock computes rows [i, i+rows) and columns [j, j+cols) of c from
// the packed rows pa and the packed B panels in buf with the AVX-512
// kernels: blocks of 12 rows (two A panels) by 32 columns (two B panels),
// or 6 rows when a single A panel is left. A block that reaches past the
// edge of c is computed whole into buf.wide (the panels are zero past the
// edge) and its part inside c stored from there.
func (o *operands) wideBlock(buf *buffers, pa []float32, i, rows, depth, j, cols int, add bool) {
	for jr := 0; jr < cols; jr += 2 * nr {
		bp := buf.b[jr*depth : (jr+2*nr)*depth]
		w := min(2*nr, cols-jr)
		for ir := 0; ir < rows; ir += 2 * mr {
			h := min(2*mr, rows-ir)
			panels := (h + mr - 1) / mr
			ap := pa[ir*depth : (ir+panels*mr)*depth]
			if h == panels*mr && w == 2*nr {
				kernelWideC(panels, depth, ap, bp, o.c[(i+ir)*o.ldc+j+jr:], o.ldc, add)
				continue
			}
			kernelWideC(panels, depth, ap, bp, buf.wide[:], 2*nr, false)
			o.store(buf.wide[:], 2*nr, i+ir, j+jr, h, w, add)
		}
	}
}

// blockDepth returns the depth of the blocks the shared dimension k is
// cut into: equal blocks of at most kc, since a thin last block would
// spend more on storing tiles than on arithmetic.
func blockDepth(k int) int {
	blocks := (k + kc - 1) / kc
	return (k + blocks - 1) / blocks
}

// PackedA is a matrix A packed once for several products with it (the
// kernels of a convolution, for each image of a batch): MulPacked then
// skips packing it. Pack fills it; its memory is kept for the next Pack.
type PackedA struct {
	m, k, rows int // rows: m rounded up to whole panels
	data       []float32
	// first: the first row of a view (see RowsOf) in the packed matrix
	// whose data it shares.
	first int
}

// Pack packs a (m×k, stored transposed with ta, rows lda apart).
func (p *PackedA) Pack(ta bool, m, k int, a []float32, lda int) {
	p.m, p.k, p.rows, p.first = m, k, (m+mr-1)/mr*mr, 0
	if cap(p.data) < p.rows*k {
		p.data = make([]float32, p.rows*k)
	}
	p.data = p.data[:p.rows*k]
	o := operands{ta: ta, m: m, k: k, a: a, lda: lda}
	depth := blockDepth(k)
	for pc := 0; pc < k; pc += depth {
		kcur := min(depth, k-pc)
		for ic := 0; ic < m; ic += mc {
			o.packA(p.data[pc*p.rows+ic*kcur:], ic, min(mc, m-ic), pc, kcur)
		}
	}
}

// RowsOf makes dst a view of rows [r0, r1) of p, sharing its memory, for
// products with part of the rows (a convolution's filters shared among
// the cores, each core reading its part of the kernels only). r0 is a
// multiple of 6 (the packed panels' height); p is not a view itself.
func (p *PackedA) RowsOf(dst *PackedA, r0, r1 int) {
	if r0%mr != 0 || r0 < 0 || r1 < r0 || r1 > p.m || p.first != 0 {
		panic("sgemm: RowsOf of rows that are not a packed matrix's")
	}
	*dst = PackedA{m: r1 - r0, k: p.k, rows: p.rows, data: p.data, first: r0}
}

// ScaleRows multiplies row i of the packed matrix by s[i] (len(s) is its
// number of rows), in place: a batch norm folded into a convolution's
// kernels without a scaled copy of them. p is not a view (see RowsOf).
func (p *PackedA) ScaleRows(s []float32) {
	if p.first != 0 {
		panic("sgemm: ScaleRows of a view")
	}
	depth := blockDepth(p.k)
	for pc := 0; pc < p.k; pc += depth {
		kcur := min(depth, p.k-pc)
		blk := p.data[pc*p.rows : (pc+kcur)*p.rows]
		for r0 := 0; r0 < p.m; r0 += mr {
			panel := blk[r0*kcur : (r0+mr)*kcur]
			for q := 0; q < kcur; q++ {
				for r := 0; r < mr && r0+r < p.m; r++ {
					panel[q*mr+r] *= s[r0+r]
				}
			}
		}
	}
}

// block returns the packed rows from ic of the depth block that starts
// at pc, as packA lays them out.
func (p *PackedA) block(pc, ic int) []float32 {
	kcur := min(blockDepth(p.k), p.k-pc)
	return p.data[pc*p.rows+(p.first+ic)*kcur : (pc+kcur)*p.rows]
}

// MulPacked is Mul with A packed beforehand (a m×k, given by Pack).
func MulPacked(a *PackedA, tb bool, n int, b []float32, ldb int, acc bool, c []float32, ldc int, threads int) {
	m, k := a.m, a.k
	if m == 0 || n == 0 || k == 0 {
		Mul(false, tb, m, n, k, nil, 0, b, ldb, acc, c, ldc, 1)
		return
	}
	j := getJob()
	defer putJob(j)
	j.operands = operands{tb: tb, m: m, n: n, k: k, packed: a, b: b, ldb: ldb, acc: acc, c: c, ldc: ldc}
	j.mul(threads)
}

// MulFrom is Mul with B (k×n) given by src.
func MulFrom(ta bool, m, n, k int, a []float32, lda int, src Source, acc bool, c []float32, ldc int, threads int) {
	if m == 0 || n == 0 || k == 0 {
		Mul(ta, false, m, n, k, a, lda, nil, 0, acc, c, ldc, 1)
		return
	}
	j := getJob()
	defer putJob(j)
	j.operands = operands{ta: ta, m: m, n: n, k: k, a: a, lda: lda, src: src, acc: acc, c: c, ldc: ldc}
	j.mul(threads)
}

// MulPackedFrom is MulPacked with B (k×n) given by src.
func MulPackedFrom(a *PackedA, src Source, n int, acc bool, c []float32, ldc int, threads int) {
	if a.m == 0 || n == 0 || a.k == 0 {
		Mul(false, false, a.m, n, a.k, nil, 0, nil, 0, acc, c, ldc, 1)
		return
	}
	j := getJob()
	defer putJob(j)
	j.operands = operands{m: a.m, n: n, k: a.k, packed: a, src: src, acc: acc, c: c, ldc: ldc}
	j.mul(threads)
}

// packA copies rows [i0, i0+rows) and columns [p0, p0+depth) of A into
// dst as panels of mr rows: within a panel, for each column, its mr values.
// Rows past the range are zero. Each source row (or, for a transposed A,
// each stored row) is read in order.
func (o *operands) packA(dst []float32, i0, rows, p0, depth int) {
	for ir := 0; ir < rows; ir += mr {
		panel := dst[ir*depth : (ir+mr)*depth]
		h := min(mr, rows-ir)
		if o.ta {
			for p := 0; p < depth; p++ {
				at := (p0+p)*o.lda + i0 + ir
				out := panel[p*mr : (p+1)*mr]
				copy(out[:h], o.a[at:at+h])
				clear(out[h:])
			}
			continue
		}
		if h == mr {
			// A whole panel: its six rows read side by side, each
			// column's values written together.
			at := (i0+ir)*o.lda + p0
			r0 := o.a[at : at+depth]
			r1 := o.a[at+o.lda : at+o.lda+depth][:len(r0)]
			r2 := o.a[at+2*o.lda : at+2*o.lda+depth][:len(r0)]
			r3 := o.a[at+3*o.lda : at+3*o.lda+depth][:len(r0)]
			r4 := o.a[at+4*o.lda : at+4*o.lda+depth][:len(r0)]
			r5 := o.a[at+5*o.lda : at+5*o.lda+depth][:len(r0)]
			for p := range r0 {
				out := (*[mr]float32)(panel[p*mr:])
				out[0], out[1], out[2], out[3], out[4], out[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
			}
			continue
		}
		interleave(panel, mr, h, o.a, (i0+ir)*o.lda+p0, o.lda, depth)
	}
}

// packB copies rows [p0, p0+depth) and columns [j0, j0+cols) of B into
// dst as panels of nr columns: within a panel, for each row, its nr
// values. Columns past the range are zero. Source rows are read in order.
func (o *operands) packB(dst []float32, p0, depth, j0, cols int) {
	for jr := 0; jr < cols; jr += nr {
		panel := dst[jr*depth : (jr+nr)*depth]
		w := min(nr, cols-jr)
		if !o.tb && w == nr {
			// A whole panel: copied as arrays of four, which the
			// compiler moves in registers (copy's call, or one of a
			// 16-value array, took most of the time).
			for p := 0; p < depth; p++ {
				at := (p0+p)*o.ldb + j0 + jr
				dst, src := (*[nr]float32)(panel[p*nr:]), (*[nr]float32)(o.b[at:])
				*(*[4]float32)(dst[0:]) = *(*[4]float32)(src[0:])
				*(*[4]float32)(dst[4:]) = *(*[4]float32)(src[4:])
				*(*[4]float32)(dst[8:]) = *(*[4]float32)(src[8:])
				*(*[4]float32)(dst[12:]) = *(*[4]float32)(src[12:])
			}
			continue
		}
		if !o.tb {
			for p := 0; p < depth; p++ {
				at := (p0+p)*o.ldb + j0 + jr
				out := panel[p*nr : (p+1)*nr]
				copy(out[:w], o.b[at:at+w])
				clear(out[w:])
			}
			continue
		}
		if w == nr {
			// A whole panel of B transposed: four stored rows read
			// side by side, each row of the panel written four
			// values at a time.
			for j := 0; j < nr; j += 4 {
				at := (j0+jr+j)*o.ldb + p0
				r0 := o.b[at : at+depth]
				r1 := o.b[at+o.ldb : at+o.ldb+depth][:len(r0)]
				r2 := o.b[at+2*o.ldb : at+2*o.ldb+depth][:len(r0)]
				r3 := o.b[at+3*o.ldb : at+3*o.ldb+depth][:len(r0)]
				for p := range r0 {
					out := (*[4]float32)(panel[p*nr+j:])
					out[0], out[1], out[2], out[3] = r0[p], r1[p], r2[p], r3[p]
				}
			}
			continue
		}
		interleave(panel, nr, w, o.b, (j0+jr)*o.ldb+p0, o.ldb, depth)
	}
}

// interleave writes lanes stored rows of src, of depth values each, the
// first at at and the others ld apart, into a panel of depth rows of width
// values: stored row r becomes lane r of every panel row, and the lanes
// from lanes to width are zero. It packs the partial panels.
func interleave(panel []float32, width, lanes int, src []float32, at, ld, depth int) {
	for r := 0; r < width; r++ {
		if r >= lanes {
			for p := 0; p < depth; p++ {
				panel[p*width+r] = 0
			}
			continue
		}
		for p, v := range src[at+r*ld : at+r*ld+depth] {
			panel[p*width+r] = v
		}
	}
}

// store writes (or adds, with add) the top-left rows×cols of a kernel's
// tile, whose rows are stride apart, into c at (i, j).
func (o *operands) store(tile []float32, stride, i, j, rows, cols int, add bool) {
	for r := 0; r < rows; r++ {
		dst := o.c[(i+r)*o.ldc+j : (i+r)*o.ldc+j+cols]
		src := tile[r*stride : r*stride+cols]
		if add {
			for x, v := range src {
				dst[x] += v
			}
		} else {
			copy(dst, src)
		}
	}
}

// vecMul sets c (n values) to a·b, or adds it with acc, for a of one row
// (k values, lda apart when stored transposed) and b k×n.
func vecMul(k, n int, a []float32, lda int, ta bool, b []float32, ldb int, acc bool, c []float32) {
	if !acc {
		clear(c)
	}
	for p := 0; p < k; p++ {
		v := a[p]
		if ta {
			v = a[p*lda]
		}
		if v != 0 {
			axpy(v, b[p*ldb:p*ldb+n], c)
		}
	}
}
