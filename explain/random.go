package explain

import "math"

// The methods that draw random numbers (SmoothGrad's noise, RISE's masks)
// draw them from one documented stream, so that scripts/make-explain-fixtures.py
// draws the same numbers in NumPy and the fixtures test the methods
// exactly: value i of the stream of seed s is splitmix64's output for the
// state s + (i+1)*0x9e3779b97f4a7c15 (Steele, Lea & Flood, 2014), and
// every value can be computed on its own, so the work splits over the
// cores without changing a single number.

const golden = 0x9e3779b97f4a7c15

// splitmix returns value i of the stream of seed.
func splitmix(seed, i uint64) uint64 {
	z := seed + (i+1)*golden
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// uniform returns value i of the stream of seed as a float64 in [0, 1):
// its top 53 bits times 2^-53.
func uniform(seed, i uint64) float64 {
	return float64(splitmix(seed, i)>>11) * 0x1p-53
}

// normal returns the standard normal number j of the stream of seed, by
// Box-Muller from uniforms 2j and 2j+1: sqrt(-2 ln(1-u1)) cos(2 pi u2).
func normal(seed, j uint64) float64 {
	u1, u2 := uniform(seed, 2*j), uniform(seed, 2*j+1)
	return math.Sqrt(-2*math.Log(1-u1)) * math.Cos(2*math.Pi*u2)
}
