// Package storetest is the conformance suite of store.Store: every
// implementation runs the same tests, each on a fresh, unmigrated store.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return testenv.SQLiteUnmigrated(t) })
//	}
package storetest
