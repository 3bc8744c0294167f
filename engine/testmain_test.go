package engine

import (
	"os"
	"testing"

	"github.com/fastsim/fastsim/internal/testenv"
)

// TestMain reports, on the last lines, the slow tests that did not run,
// and why (testenv.Main).
func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
