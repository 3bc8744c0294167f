package scenario

import "math"

// RVRole says what a random variable measures, which decides the variance
// a normal or log_normal gets when none is given (spec §2).
type RVRole uint8

const (
	// RoleTime is a duration in seconds: an edge latency or a step time.
	RoleTime RVRole = iota
	// RoleCount is a number of things: the active users of a window.
	RoleCount
)

// NormalVariance returns the variance of a normal or log_normal x as the
// engine samples it (spec §2): x.Variance when set; otherwise mean² for a
// time (sd = mean, AsyncFlow's effective spread) and mean for a count.
// Other distributions take their spread from their family; for them it
// returns x.Variance or 0.
func (x RV) NormalVariance(role RVRole) float64 {
	switch {
	case x.Variance != nil:
		return *x.Variance
	case x.Distribution != Normal && x.Distribution != LogNormal:
		return 0
	case role == RoleTime:
		return x.Mean * x.Mean
	default:
		return x.Mean
	}
}

// TruncatedNormalMean returns the mean of a normal with mean mu >= 0 and
// standard deviation sd truncated at 0 by resampling, as the engine draws
// it: the conditional mean E[X | X > 0] = mu + sd·φ(a)/Φ(a) with a = mu/sd
// (Johnson, Kotz and Balakrishnan, Continuous Univariate Distributions,
// vol. 1, §10.1). Clamping negative draws to 0 would give another mean.
func TruncatedNormalMean(mu, sd float64) float64 {
	if !(sd > 0) {
		return mu
	}
	a := mu / sd
	phi := math.Exp(-a*a/2) / math.Sqrt(2*math.Pi)
	cdf := math.Erfc(-a/math.Sqrt2) / 2
	return mu + sd*phi/cdf
}

// truncationShift is the relative shift of a normal RV's mean, beyond which
// validation warns (spec §2: 1 %, sd > mean/2.33 roughly).
const truncationShift = 0.01
