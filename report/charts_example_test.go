package report_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/fastsim/fastsim/report"
	"github.com/fastsim/fastsim/result"
	"github.com/fastsim/fastsim/scenario"
)

// ExampleRenderChart lists a run's charts, draws one, and shows the error
// an unknown name gives (which an API maps to 404).
func ExampleRenderChart() {
	sc, err := scenario.New().
		Generator("gen", 10, 30).
		Client("client").
		Server(scenario.NewServer("api").Endpoint("/hello", scenario.CPU(0.002))).
		Edge("gen-client", "gen", "client", scenario.ExpRV(0.003)).
		Edge("client-api", "client", "api", scenario.ExpRV(0.003)).
		Edge("api-client", "api", "client", scenario.ExpRV(0.003)).
		Horizon(60).
		Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	r := &result.Result{HorizonS: 60} // in real use: fastsim.Run(ctx, sc)

	for _, c := range report.Charts(sc, r) {
		fmt.Println(c.Name)
	}
	var svg bytes.Buffer
	if err := report.RenderChart(context.Background(), &svg, "server-api", report.SVG, sc, r, report.ChartOptions{}); err != nil {
		fmt.Println(err)
	}
	fmt.Println(bytes.Contains(svg.Bytes(), []byte("series not recorded")))

	err = report.RenderChart(context.Background(), io.Discard, "server-db", report.PNG, sc, r, report.ChartOptions{})
	fmt.Println(errors.Is(err, report.ErrUnknownChart))
	// Output:
	// dashboard
	// latency
	// throughput
	// latency-time
	// topology
	// server-api
	// edges
	// true
	// true
}
