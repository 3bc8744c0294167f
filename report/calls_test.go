package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastsim/fastsim/engine"
	"github.com/fastsim/fastsim/scenario"
)

// TestTextServiceGraph: the text report of examples/three_tier.yml names
// the load balancer, shows the replicated server summed with a row per
// instance, and has a calls table with one row per caller->target pair,
// with the run's exact counts.
func TestTextServiceGraph(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("..", "examples", "three_tier.yml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(data, scenario.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	sc.Settings.TotalSimulationTime = 10
	r, err := engine.Run(context.Background(), sc, engine.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteText(&b, sc, r, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	c := r.Calls["gateway->catalog-lb"]
	for _, want := range []string{
		"load balancer catalog-lb (least_connection)",
		"catalog       1 x3",
		"    catalog#3 ",
		"Calls (latency in ms, sent to response received)",
		"gateway->catalog-lb     " + itoa(c.Attempts) + "      " + itoa(c.Completed) + "  ",
		"catalog->inventory",
		"gateway->auth",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	if i, j := strings.Index(out, "gateway->auth"), strings.Index(out, "catalog->inventory"); i > j {
		t.Error("calls are not in the scenario's order")
	}
}

// TestHTMLServiceGraph: the HTML report of the three-tier example has the
// calls table and describes the call steps and replicas.
func TestHTMLServiceGraph(t *testing.T) {
	t.Parallel()
	sc, err := scenario.DecodeFS(os.DirFS(filepath.Join("..", "examples")), "three_tier.yml")
	if err != nil {
		t.Fatal(err)
	}
	sc.Settings.TotalSimulationTime = 10
	r, err := engine.Run(context.Background(), sc, engine.Options{Seed: 1, Series: true})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteHTML(context.Background(), &b, sc, r, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`<h3 id="calls">Calls</h3>`,
		"<code>gateway-&gt;catalog-lb</code>",
		"call catalog-lb /items",
		"1 × 3 replicas",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
}
