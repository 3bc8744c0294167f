//go:build !unix

package engine

// cpuSeconds is not measured on this platform.
func cpuSeconds() float64 { return 0 }
