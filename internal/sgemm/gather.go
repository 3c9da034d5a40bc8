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
			gatherGo(panel, src, rows, cs)
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

// gatherGo is Gather's panel without vector instructions.
func gatherGo(panel, src []float32, rows, cols []int32) {
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
// AVX-512); elsewhere it is a loop of single values, slower than a Source
// that knows its matrix's shape.
func FastGather() bool { return useAVX512 }
