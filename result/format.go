package result

import (
	"math"
	"strconv"
	"strings"
)

// FormatNumber formats a figure for people. It is the one formatter of
// every number FastSim shows to a person (text and HTML reports, charts,
// CLI messages and errors); the JSON result keeps full precision.
//
//   - Whole numbers of magnitude 1,000 and more are rounded to an integer
//     and written with thousands separators: 1e7 → "10,000,000".
//   - Smaller magnitudes keep four significant digits in fixed-point
//     notation, never an exponent, without trailing zeros:
//     229.39999999999998 → "229.4", 3.33e-05 → "0.0000333",
//     0.1300000118279315 → "0.13".
//   - Magnitudes below 1e-12 are written "0"; NaN and infinities as
//     strconv writes them.
func FormatNumber(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return strconv.FormatFloat(v, 'g', -1, 64)
	case a < 1e-12:
		return "0"
	case a >= 999.95: // four significant digits would round it to 1000
		return FormatCount(int64(math.Round(v)))
	}
	decimals := 3 - int(math.Floor(math.Log10(a)))
	s := strconv.FormatFloat(v, 'f', max(decimals, 0), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		return "0"
	}
	return s
}

// FormatCount formats n with thousands separators: 1234567 → "1,234,567".
func FormatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for k := range len(s) {
		if k > 0 && (len(s)-k)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[k])
	}
	return b.String()
}
