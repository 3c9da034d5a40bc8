package atlas

import "math"

// powB returns x^umapB for x > 0 to about 1e-7 relative error, four times
// as fast as math.Pow, which took three quarters of UMAP's time: log2 by
// the series of atanh about the mantissa, exp2 by Taylor's series about
// the nearest integer.
func powB(x float64) float64 {
	if x < 1e-300 {
		return 0 // and below the normal numbers, whose exponent is read here
	}
	bits := math.Float64bits(x)
	e := int(bits>>52&0x7ff) - 1023
	m := math.Float64frombits(bits&^(0x7ff<<52) | 1023<<52) // in [1, 2)
	if m > math.Sqrt2 {
		m /= 2
		e++
	}
	s := (m - 1) / (m + 1) // |s| < 0.172
	s2 := s * s
	ln := 2 * s * (1 + s2*(1.0/3+s2*(1.0/5+s2*(1.0/7+s2*(1.0/9)))))
	y := umapB * (float64(e) + ln/math.Ln2)
	i := math.Round(y)
	f := (y - i) * math.Ln2 // |f| <= ln2/2
	p := 1 + f*(1+f*(1.0/2+f*(1.0/6+f*(1.0/24+f*(1.0/120+f*(1.0/720+f*(1.0/5040)))))))
	return p * math.Float64frombits(uint64(int64(i)+1023)<<52)
}
