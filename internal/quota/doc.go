// Package quota holds the limits of each plan (free, expert, pro,
// enterprise): how many runs a user may have queued or running at once,
// the largest event budget and number of replications of one run, and how
// many runs a user may submit per UTC day.
//
// The limits are configuration (see internal/config and docs/limits.md);
// the API checks the size limits before creating a run and hands the count
// limits to the store, which checks them in the transaction that inserts
// the run, so concurrent submissions cannot exceed them.
//
//	plans := quota.DefaultPlans()
//	p := plans.For(user.Plan) // the free plan's limits for an unknown plan
//	if reps > p.MaxReplications { ... }
package quota
