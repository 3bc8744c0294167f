package config

import "time"

// Serving is the configuration of the HTTP servers and of the rendering
// of charts and reports (docs/limits.md, "Chart renders and stored
// series").
type Serving struct {
	// ReadHeaderTimeout is how long a client may take to send a request's
	// headers (--http-read-header-timeout,
	// FASTSIM_HTTP_READ_HEADER_TIMEOUT). Defaults to 10s.
	ReadHeaderTimeout time.Duration
	// ReadTimeout is how long a client may take to send a whole request,
	// body included (--http-read-timeout, FASTSIM_HTTP_READ_TIMEOUT): a
	// 1 MiB body at 20 KiB/s. Defaults to 1m.
	ReadTimeout time.Duration
	// WriteTimeout is how long the server may take to answer a request,
	// from the end of its headers to the last byte written, rendering
	// included (--http-write-timeout, FASTSIM_HTTP_WRITE_TIMEOUT); a slow
	// reader is cut off after it. Event streams push their deadline on
	// with every event instead. Defaults to 2m.
	WriteTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its
	// next request (--http-idle-timeout, FASTSIM_HTTP_IDLE_TIMEOUT).
	// Defaults to 2m.
	IdleTimeout time.Duration
	// RenderConcurrency is the number of charts and reports rendered at
	// once by the API (--render-concurrency, FASTSIM_RENDER_CONCURRENCY).
	// Defaults to 2.
	RenderConcurrency int
	// RenderQueueTimeout is how long a render waits for a free slot
	// before the request gets 503 with Retry-After
	// (--render-queue-timeout, FASTSIM_RENDER_QUEUE_TIMEOUT). Defaults to
	// 10s.
	RenderQueueTimeout time.Duration
	// RenderCacheBytes is the size of the cache of rendered charts and
	// reports, in bytes; the least recently used are evicted
	// (--render-cache-bytes, FASTSIM_RENDER_CACHE_BYTES). Defaults to
	// 67108864 (64 MiB).
	RenderCacheBytes int64
}

// servingOptions are the options of Serving; they are part of the options
// table.
var servingOptions = []option{
	durationOpt("http-read-header-timeout", "FASTSIM_HTTP_READ_HEADER_TIMEOUT", "longest time to read a request's headers", func(c *Config) *time.Duration { return &c.Serving.ReadHeaderTimeout }),
	durationOpt("http-read-timeout", "FASTSIM_HTTP_READ_TIMEOUT", "longest time to read a whole request, body included", func(c *Config) *time.Duration { return &c.Serving.ReadTimeout }),
	durationOpt("http-write-timeout", "FASTSIM_HTTP_WRITE_TIMEOUT", "longest time to write a response, rendering included", func(c *Config) *time.Duration { return &c.Serving.WriteTimeout }),
	durationOpt("http-idle-timeout", "FASTSIM_HTTP_IDLE_TIMEOUT", "longest wait for the next request on a keep-alive connection", func(c *Config) *time.Duration { return &c.Serving.IdleTimeout }),
	intOpt("render-concurrency", "FASTSIM_RENDER_CONCURRENCY", "charts and reports rendered at once", func(c *Config) *int { return &c.Serving.RenderConcurrency }),
	durationOpt("render-queue-timeout", "FASTSIM_RENDER_QUEUE_TIMEOUT", "longest wait for a render slot before 503", func(c *Config) *time.Duration { return &c.Serving.RenderQueueTimeout }),
	int64Opt("render-cache-bytes", "FASTSIM_RENDER_CACHE_BYTES", "bytes of rendered charts and reports kept in memory", func(c *Config) *int64 { return &c.Serving.RenderCacheBytes }),
}

// DefaultServing returns the defaults of Serving.
func DefaultServing() Serving {
	return Serving{
		ReadHeaderTimeout:  10 * time.Second,
		ReadTimeout:        time.Minute,
		WriteTimeout:       2 * time.Minute,
		IdleTimeout:        2 * time.Minute,
		RenderConcurrency:  2,
		RenderQueueTimeout: 10 * time.Second,
		RenderCacheBytes:   64 << 20,
	}
}

// validateServing checks the fields of servingOptions.
func (c Config) validateServing(bad func(name, format string, args ...any)) {
	s := c.Serving
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"http-read-header-timeout", s.ReadHeaderTimeout},
		{"http-read-timeout", s.ReadTimeout},
		{"http-write-timeout", s.WriteTimeout},
		{"http-idle-timeout", s.IdleTimeout},
		{"render-queue-timeout", s.RenderQueueTimeout},
	} {
		if d.v < time.Second || d.v > time.Hour {
			bad(d.name, "%s is out of range; use 1s to 1h", d.v)
		}
	}
	if s.ReadHeaderTimeout > s.ReadTimeout {
		bad("http-read-header-timeout", "%s is longer than --http-read-timeout %s; the headers are part of the request", s.ReadHeaderTimeout, s.ReadTimeout)
	}
	if s.RenderConcurrency < 1 || s.RenderConcurrency > 64 {
		bad("render-concurrency", "%d is out of range; use 1 to 64", s.RenderConcurrency)
	}
	if s.RenderCacheBytes < 0 {
		bad("render-cache-bytes", "%d must not be negative; use 0 to cache nothing", s.RenderCacheBytes)
	}
}
