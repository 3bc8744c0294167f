// Package docsui serves the API reference page (GET /docs) from the
// binary: Stoplight Elements 9.0.15 (Apache-2.0, elements/LICENSE), the
// web-components build, embedded as published on npm and never fetched
// from a CDN, so the page works offline and behind a strict firewall.
//
// The files are those of `npm pack @stoplight/elements@9.0.15`
// (web-components.min.js, styles.min.css and their licences), byte for
// byte: their SHA-384 digests, in Integrity, are the ones huma pinned for
// the same release on unpkg.com. To upgrade, fetch the new release once
// with npm pack, replace the files, and update Version and Integrity (a
// test recomputes the digests).
package docsui
