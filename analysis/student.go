package analysis

// tTable holds the two-sided 95 % critical values t(0.975, ν) of Student's
// t distribution for ν = 1 … 30 degrees of freedom (NIST/SEMATECH
// e-Handbook of Statistical Methods, §1.3.6.7.2, "Critical Values of the
// Student's t Distribution"; here to 8 significant digits, recomputed from
// the regularised incomplete beta function).
var tTable = [...]float64{
	12.706205, 4.3026527, 3.1824463, 2.7764451, 2.5705818,
	2.4469119, 2.3646243, 2.3060041, 2.2621572, 2.2281389,
	2.2009852, 2.1788128, 2.1603687, 2.1447867, 2.1314495,
	2.1199053, 2.1098156, 2.1009220, 2.0930241, 2.0859634,
	2.0796138, 2.0738731, 2.0686576, 2.0638986, 2.0595386,
	2.0555294, 2.0518305, 2.0484071, 2.0452296, 2.0422725,
}

// tTail holds t(0.975, ν) beyond the table, down to the normal limit
// z(0.975) = 1.9599640 as ν → ∞ (1/ν = 0).
var tTail = [...]struct{ invDOF, t float64 }{
	{1.0 / 30, 2.0422725},
	{1.0 / 40, 2.0210754},
	{1.0 / 60, 2.0002978},
	{1.0 / 120, 1.9799304},
	{0, 1.9599640},
}

// TCritical95 returns the two-sided 95 % critical value t(0.975, dof) of
// Student's t distribution, the multiplier of the standard error in a 95 %
// confidence interval of a mean. It is exact (to 8 digits) for dof ≤ 30;
// above, it interpolates linearly in 1/dof between 30, 40, 60, 120 and the
// normal limit, the interpolation recommended with such tables
// (Abramowitz and Stegun, Handbook of Mathematical Functions, 1964,
// Table 26.10), which is within 1e-4 of the exact value. It panics if
// dof < 1.
func TCritical95(dof int) float64 {
	if dof < 1 {
		panic("analysis: Student t needs at least one degree of freedom")
	}
	if dof <= len(tTable) {
		return tTable[dof-1]
	}
	x := 1 / float64(dof)
	for k := 1; k < len(tTail); k++ {
		hi, lo := tTail[k-1], tTail[k]
		if x >= lo.invDOF {
			w := (x - lo.invDOF) / (hi.invDOF - lo.invDOF)
			return lo.t + w*(hi.t-lo.t)
		}
	}
	panic("analysis: unreachable: 1/dof below 0")
}
