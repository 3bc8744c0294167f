// Package examples holds the canonical example scenarios (*.yml in this
// directory), embedded so that fastsim serve can offer them to the web UI
// (GET /api/v1/examples). Every file is validated and run by the tests.
package examples

import (
	"embed"
	"io/fs"
)

//go:embed *.yml
var files embed.FS

// Files returns the example scenarios, by file name (e.g. single_server.yml).
func Files() fs.FS { return files }
