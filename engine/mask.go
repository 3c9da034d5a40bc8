package engine

import (
	"encoding/binary"
	"math"
	"math/bits"
	"math/rand/v2"
)

// fillMask draws an inverted-dropout mask: each unit is kept with
// probability 1-rate and then scaled by 1/(1-rate), so inference needs no
// rescaling. With rng nil every unit is kept.
//
// Unit i is dropped when the i-th value of rng, read as rand.Rand.Float64
// reads it, is below rate: the draws are those of a loop over
// rand.New(rng).Float64(), and rng ends where that loop leaves it. The loop
// itself is slower, since each of PCG's steps waits for the last one's
// 128-bit multiplication (it took 12% of a training step); here four
// lanes step through the sequence four values apart side by side (see
// pcgLanes).
func fillMask(mask []float32, rate float64, rng *rand.PCG) {
	if rng == nil {
		for i := range mask {
			mask[i] = 1
		}
		return
	}
	keep := float32(1 / (1 - rate))
	// Float64() < rate is u < rate·2⁵³ for the low 53 bits u of the value,
	// both sides exact; for an integer u that is u < ⌈rate·2⁵³⌉.
	below := uint64(math.Ceil(rate * (1 << 53)))
	// Without a branch: which way a unit goes is a coin toss that a
	// branch predictor gets wrong a quarter of the time or more.
	keepBits := uint64(math.Float32bits(keep))
	unit := func(v uint64) float32 {
		dropped := (v<<11>>11 - below) >> 63 // 1 when below, else 0
		return math.Float32frombits(uint32(keepBits & (dropped - 1)))
	}
	s := pcgStateOf(rng)
	n := len(mask) &^ 3
	if n > 0 {
		var l pcgLanes
		l.start(s)
		for i := 0; i < n; i += 4 {
			v0, v1, v2, v3 := l.next()
			m := (*[4]float32)(mask[i:])
			m[0], m[1], m[2], m[3] = unit(v0), unit(v1), unit(v2), unit(v3)
		}
		s = l.last
	}
	for i := n; i < len(mask); i++ {
		s = s.step()
		mask[i] = unit(s.output())
	}
	rng.Seed(s.hi, s.lo)
}

// u128 is a 128-bit unsigned integer, PCG's state.
type u128 struct{ hi, lo uint64 }

func (a u128) mul(b u128) u128 {
	hi, lo := bits.Mul64(a.lo, b.lo)
	return u128{hi + a.hi*b.lo + a.lo*b.hi, lo}
}

func (a u128) add(b u128) u128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, _ := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}
}

// output is the value math/rand/v2's PCG returns for the state s it has
// just stepped to (DXSM).
func (s u128) output() uint64 {
	hi := s.hi
	hi ^= hi >> 32
	hi *= 0xda942042e4dd58b5
	hi ^= hi >> 48
	return hi * (s.lo | 1)
}

// PCG's step, state·pcgMul + pcgInc, with math/rand/v2's constants.
var (
	pcgMul = u128{2549297995355413924, 4865540595714422341}
	pcgInc = u128{6364136223846793005, 1442695040888963407}
)

// step returns the state after s.
func (s u128) step() u128 { return s.mul(pcgMul).add(pcgInc) }

// pcgStateOf returns the state of p (math/rand/v2 gives it only through
// its binary form: "pcg:", then the high and low halves big-endian).
func pcgStateOf(p *rand.PCG) u128 {
	var buf [20]byte
	b, _ := p.AppendBinary(buf[:0])
	return u128{binary.BigEndian.Uint64(b[4:12]), binary.BigEndian.Uint64(b[12:20])}
}

// pcgLanes steps through PCG's sequence four values at a time: lane j
// holds state 4g+j+1 (counting from start's) after g calls of next, and
// each lane takes four of PCG's steps at once (state·mul⁴ +
// inc·(mul³+mul²+mul+1)), so the four multiplications do not wait for
// each other.
type pcgLanes struct {
	s        [4]u128
	mul, inc u128
	last     u128 // the state of the last value next returned
}

// start places the lanes after state s.
func (l *pcgLanes) start(s u128) {
	for j := range l.s {
		s = s.step()
		l.s[j] = s
	}
	m2 := pcgMul.mul(pcgMul)
	l.mul = m2.mul(m2)
	// inc·(1 + mul + mul² + mul³) = inc·(1 + mul)·(1 + mul²)
	one := u128{0, 1}
	l.inc = pcgInc.mul(one.add(pcgMul)).mul(one.add(m2))
}

// next returns the outputs of the lanes' states and steps each lane four
// values on.
func (l *pcgLanes) next() (v0, v1, v2, v3 uint64) {
	v0, v1, v2, v3 = l.s[0].output(), l.s[1].output(), l.s[2].output(), l.s[3].output()
	l.last = l.s[3]
	l.s[0] = l.s[0].mul(l.mul).add(l.inc)
	l.s[1] = l.s[1].mul(l.mul).add(l.inc)
	l.s[2] = l.s[2].mul(l.mul).add(l.inc)
	l.s[3] = l.s[3].mul(l.mul).add(l.inc)
	return
}
