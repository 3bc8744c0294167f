package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocumentedEverywhere checks that .env.example and
// docs/configuration.md mention every flag and variable.
func TestDocumentedEverywhere(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	env, err := os.ReadFile(filepath.Join(root, ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Variables() {
		if !strings.Contains(string(env), v.Env+"=") {
			t.Errorf(".env.example lacks %s", v.Env)
		}
		if !strings.Contains(string(doc), "`--"+v.Flag+"`") || !strings.Contains(string(doc), "`"+v.Env) {
			t.Errorf("docs/configuration.md lacks --%s / %s", v.Flag, v.Env)
		}
	}
}
