package engine

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/fastsim/fastsim/scenario"
)

// rvKind is the family of a compiled random variable.
type rvKind uint8

const (
	rvDeterministic rvKind = iota
	rvExponential
	rvNormal
	rvLogNormal
	rvUniform
	rvPoisson
)

// rv is a compiled random variable (spec §2). Parameters are precomputed so
// that sampling is a switch and one or two draws.
//
//	deterministic: mean
//	exponential:   mean · Exp(1)
//	normal:        mean + a·N(0,1), resampled until >= 0 (a = sqrt(variance))
//	log_normal:    exp(a + b·N(0,1)) with b² = ln(1 + variance/mean²),
//	               a = ln(mean) − b²/2, so that E = mean and Var = variance
//	uniform:       a + (b − a)·U(0,1)
//	poisson:       Poisson(mean), an integer
type rv struct {
	kind rvKind
	mean float64
	a, b float64
}

// constRV returns a deterministic random variable.
func constRV(v float64) rv { return rv{kind: rvDeterministic, mean: v} }

// sample draws one value from r.
func (v *rv) sample(r *rand.Rand) float64 {
	switch v.kind {
	case rvDeterministic:
		return v.mean
	case rvExponential:
		return v.mean * r.ExpFloat64()
	case rvNormal:
		// compileRV guarantees mean >= 0, so each draw is accepted with
		// probability >= 1/2.
		for {
			if x := v.mean + v.a*r.NormFloat64(); x >= 0 {
				return x
			}
		}
	case rvLogNormal:
		return math.Exp(v.a + v.b*r.NormFloat64())
	case rvUniform:
		return v.a + (v.b-v.a)*r.Float64()
	case rvPoisson:
		return poisson(r, v.mean)
	}
	panic(fmt.Sprintf("engine: unknown random variable kind %d", v.kind))
}

// effectiveMean returns the mean of what sample draws, max(x, 0) for a
// uniform that can be negative (the generator clips its users at 0):
//
//	normal:  the mean of a normal truncated at 0 by resampling,
//	         scenario.TruncatedNormalMean (the figure validation warns with)
//	uniform: (a + b)/2 when a >= 0, else E[max(x, 0)] = b²/(2(b − a))
//	others:  mean
func (v *rv) effectiveMean() float64 {
	switch v.kind {
	case rvNormal:
		return scenario.TruncatedNormalMean(v.mean, v.a)
	case rvUniform:
		if v.a >= 0 {
			return (v.a + v.b) / 2
		}
		if v.b <= 0 {
			return 0
		}
		return v.b * v.b / (2 * (v.b - v.a))
	}
	return v.mean
}

// compileRV translates a scenario RV that passed validation (spec §2);
// role decides the default variance of a normal or log_normal.
func compileRV(x scenario.RV, role scenario.RVRole) rv {
	m := x.Mean
	variance := x.NormalVariance(role)
	switch x.Distribution {
	case scenario.Deterministic:
		return constRV(m)
	case scenario.Exponential:
		return rv{kind: rvExponential, mean: m}
	case scenario.Poisson:
		return rv{kind: rvPoisson, mean: m}
	case scenario.Normal:
		if variance == 0 {
			return constRV(m)
		}
		return rv{kind: rvNormal, mean: m, a: math.Sqrt(variance)}
	case scenario.LogNormal:
		if m == 0 || variance == 0 {
			return constRV(m)
		}
		s2 := math.Log1p(variance / (m * m))
		return rv{kind: rvLogNormal, mean: m, a: math.Log(m) - s2/2, b: math.Sqrt(s2)}
	case scenario.Uniform:
		lo, hi := 0.0, 2*m
		if x.Variance != nil {
			h := math.Sqrt(3 * variance)
			lo, hi = m-h, m+h
		}
		return rv{kind: rvUniform, mean: m, a: lo, b: hi}
	}
	panic(fmt.Sprintf("engine: unknown distribution %q", x.Distribution))
}

// poisson draws a Poisson-distributed integer with the given mean, as a
// float64. Small means use inversion by sequential search (Devroye,
// "Non-Uniform Random Variate Generation", 1986, X.3.3); means >= 10 use
// Hörmann's transformed rejection with squeeze, PTRS ("The transformed
// rejection method for generating Poisson random variables", Insurance:
// Mathematics and Economics 12, 1993), as NumPy does.
func poisson(r *rand.Rand, mean float64) float64 {
	if mean <= 0 {
		return 0
	}
	if mean < 10 {
		p := math.Exp(-mean)
		f := p
		u := r.Float64()
		k := 0.0
		for u > f && k < 1000 {
			k++
			p *= mean / k
			f += p
		}
		return k
	}
	slam := math.Sqrt(mean)
	loglam := math.Log(mean)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + mean + 0.43)
		if us >= 0.07 && v <= vr {
			return k
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invalpha)-math.Log(a/(us*us)+b) <= -mean+k*loglam-lg {
			return k
		}
	}
}
