// Package dial opens the store that a database URL names: PostgreSQL for
// postgres:// and postgresql:// URLs, the embedded SQLite file otherwise.
package dial
