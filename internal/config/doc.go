// Package config holds the configuration of the FastSim service
// (`fastsim serve` and `fastsim worker`): a documented Config struct, its
// defaults, the environment variables and command-line flags that override
// them, and Validate.
//
// Layering is defaults < environment < flags:
//
//	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
//	flags := config.BindFlags(fs)
//	_ = fs.Parse(args)
//	cfg, err := flags.Load(getenv) // defaults, then FASTSIM_* variables, then flags, then Validate
//
// The package reads no environment itself: the caller passes getenv, so
// tests are hermetic and there is no package-level configuration.
package config
