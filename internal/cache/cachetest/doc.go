// Package cachetest provides test helpers for code that uses a Redis cache:
// a TCP proxy that a test can cut to simulate a Redis outage without
// touching the real server, and a minimal in-process Redis (GET, SET, PING,
// DEL) to stand behind the proxy when no real Redis is configured.
package cachetest
