//go:build race

package testenv

// Race reports whether the test binary was built with the race detector,
// which multiplies a process's memory (shadow memory, 5–10×): a memory
// ceiling measured under it says nothing about production.
const Race = true
