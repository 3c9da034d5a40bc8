package sgemm

// Gather packs into dst, as PackB lays panels out, the len(rows) × len(cols)
// matrix whose entry (p, j) is src[rows[p]+cols[j]]: the im2col matrix of
// an image whose borders are written out as zeros (rows[p] the offset of a
// kernel entry, cols[j] that of an output cell), read without a test per
// entry. Columns of the last panel past len(cols) are zero; dst holds
// len(rows) rows of whole panels. It panics when an entry lies outside src.
// With AVX-512 each panel row is one load (a panel of neighbouring cells)
// or one gather.
func Gather(dst, src []float32, rows, cols []int32) {
	if len(rows) == 0 || len(cols) == 0 {
		return
	}
	rlo, rhi := rows[0], rows[0]
	for _, r := range rows {
		rlo, rhi = min(rlo, r), max(rhi, r)
	}
	depth := len(rows)
	for jr := 0; jr < len(cols); jr += nr {
		cs := cols[jr:min(jr+nr, len(cols))]
		panel := dst[jr*depth : (jr+nr)*depth]
		clo, chi := cs[0], cs[0]
		contiguous := true
		for j, c := range cs {
			clo, chi = min(clo, c), max(chi, c)
			contiguous = contiguous && c == cs[0]+int32(j)
		}
		if int(rlo)+int(clo) < 0 || int(rhi)+int(chi) >= len(src) {
			panic("sgemm: Gather reads outside its source")
		}
		if !useAVX512 {
			if !useAsm || !runsAVX2(panel, src, rows, cs, rlo, rhi) {
				gatherGo(panel, src, rows, cs)
			}
			continue
		}
		if contiguous && len(cs) == nr {
			copy16(depth, &src[0], int(cs[0]), &rows[0], &panel[0])
			continue
		}
		var idx [nr]int32
		copy(idx[:], cs)
		gather16(depth, &src[0], &rows[0], &idx, uint16(1)<<len(cs)-1, &panel[0])
	}
}

// runs are at most this many runs of neighbours in a panel for runsAVX2.
const runs = 4

// runsAVX2 packs a whole panel whose 16 columns are up to 4 runs of
// neighbouring cells (a convolution with stride 1: a run per output row
// the panel reaches), or of every other cell (stride 2), with AVX2: two
// loads a run and a row (four, shuffled, for stride 2), the runs blended.
// It reports whether it could: not for a panel cut short, with more runs,
// or whose loads, 16 (32) values from each run's start less its first
// lane's reach, would reach outside src (rows from rlo to rhi).
func runsAVX2(panel, src []float32, rows, cs []int32, rlo, rhi int32) bool {
	if len(cs) != nr {
		return false
	}
	var stride int32 = 1
	if cs[1] == cs[0]+2 {
		stride = 2
	}
	var offs [runs]int
	var masks [2 * runs][8]int32
	n := 0
	for j, c := range cs {
		if j > 0 && c == cs[j-1]+stride {
			continue
		}
		if n == runs {
			return false
		}
		offs[n] = int(c) - int(stride)*j
		if int(rlo)+offs[n] < 0 || int(rhi)+offs[n]+int(stride)*nr > len(src) {
			return false
		}
		for l := j; l < nr; l++ {
			masks[2*n+l/8][l%8] = -1
		}
		n++
	}
	for i := n; i < runs; i++ {
		offs[i] = offs[0] // never read
	}
	_ = panel[len(rows)*nr-1]
	if stride == 2 {
		runs16s2(len(rows), &src[0], &rows[0], &offs, &masks, n, &panel[0])
	} else {
		runs16(len(rows), &src[0], &rows[0], &offs, &masks, n, &panel[0])
	}
	return true
}

// gatherGo is Gather's panel without vector instructions.
func gatherGo(panel, src []float32, rows, cols []int32) {
	if len(cols) == nr {
		// Written out, as im2colMatrix's panels inside the image are.
		o := (*[nr]int32)(cols)
		for p, r := range rows {
			out := (*[nr]float32)(panel[p*nr:])
			x, a := src, r
			out[0], out[1], out[2], out[3] = x[a+o[0]], x[a+o[1]], x[a+o[2]], x[a+o[3]]
			out[4], out[5], out[6], out[7] = x[a+o[4]], x[a+o[5]], x[a+o[6]], x[a+o[7]]
			out[8], out[9], out[10], out[11] = x[a+o[8]], x[a+o[9]], x[a+o[10]], x[a+o[11]]
			out[12], out[13], out[14], out[15] = x[a+o[12]], x[a+o[13]], x[a+o[14]], x[a+o[15]]
		}
		return
	}
	for p, r := range rows {
		out := (*[nr]float32)(panel[p*nr:])
		for j := range out {
			var v float32
			if j < len(cols) {
				v = src[int(r)+int(cols[j])]
			}
			out[j] = v
		}
	}
}

// FastGather says whether Gather runs in vector instructions (with
// AVX-512, or AVX2 for panels of up to 4 runs of neighbours and written
// out elsewhere); elsewhere it is a loop of single values, slower than a
// Source that knows its matrix's shape.
func FastGather() bool { return useAsm }
