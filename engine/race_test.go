//go:build race

package engine

// raceEnabled reports a test binary built with -race, whose runtime
// allocates for its own bookkeeping: allocation counts then vary from run
// to run and say nothing about the kernel.
const raceEnabled = true
