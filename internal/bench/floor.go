package bench

import (
	"maps"
	"time"
)

// Sandbox counter names ("METHOD /template") of the calls the configurations make.
const (
	routeCreateCompany    = "POST /companies"
	routeGetCompany       = "GET /companies/{companyId}"
	routeDeleteCompany    = "DELETE /companies/{companyId}"
	routeCreateConnection = "POST /companies/{companyId}/connections"
	routeGetConnection    = "GET /companies/{companyId}/connections/{connectionId}"
	routeDeleteConnection = "DELETE /companies/{companyId}/connections/{connectionId}"
	routeCreateAccount    = "POST /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts"
	routeListAccounts     = "GET /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts"
	routeDeleteAccount    = "DELETE /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts/{accountId}"
	routeGetMapping       = "GET /companies/{companyId}/connections/{connectionId}/bankFeedAccounts/mapping"
)

// accountsPerCustomer is how many source accounts each generated customer has.
const accountsPerCustomer = 2

// Op is one Terraform operation the bench times.
type Op string

// The operations, in the order the bench runs them.
const (
	OpApply   Op = "apply"
	OpPlan    Op = "plan"
	OpDestroy Op = "destroy"
)

// Ops lists the operations in the order they run.
var Ops = []Op{OpApply, OpPlan, OpDestroy}

// refreshCalls is the least a refresh can cost per customer: one GET of the company and of the connection (the
// mapping data source shares the connection the connection resource read), one list of the connection's source
// accounts shared by both accounts (Codat cannot read one), and one read of the mapping.
var refreshCalls = map[string]int{
	routeGetCompany:    1,
	routeGetConnection: 1,
	routeListAccounts:  1,
	routeGetMapping:    1,
}

// MinimumCalls is the least number of API calls per customer, by route, that op needs.
//
//   - apply: create the company, the connection and both accounts, and read the mapping once. The data source reads the connection the
//     connection resource just created instead of fetching it again.
//   - plan (no changes): the refresh.
//   - destroy: the refresh Terraform makes before planning the destroy, then one DELETE per object. Deleting a
//     company would cascade to its connection and accounts, but Terraform destroys dependents first, and a
//     provider cannot tell from one account's delete that its company goes too: skipping the child deletes would
//     leave accounts behind whenever only they are removed from the configuration.
func MinimumCalls(op Op) map[string]int {
	switch op {
	case OpApply:
		return map[string]int{
			routeCreateCompany:    1,
			routeCreateConnection: 1,
			routeCreateAccount:    accountsPerCustomer,
			routeGetMapping:       1,
		}
	case OpPlan:
		return maps.Clone(refreshCalls)
	case OpDestroy:
		m := maps.Clone(refreshCalls)
		m[routeDeleteAccount] = accountsPerCustomer
		m[routeDeleteConnection] = 1
		m[routeDeleteCompany] = 1
		return m
	}
	return nil
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// level is the part of an operation on one kind of object: calls per customer, and depth, how many of them must
// run one after the other.
type level struct {
	calls, depth int
}

// levels splits op into the levels Terraform runs one after the other. Terraform starts an object only once every
// instance of each resource it references is done, across all customers and module instances alike: no connection
// is created before the last company, no account before the last connection, and the mapping data source's
// depends_on makes it wait for the last account. So each level is a barrier. The destroy's refresh is a walk of
// its own, then the deletes run dependents first.
func levels(op Op) []level {
	refresh := []level{
		{calls: 1, depth: 1}, // read the company
		{calls: 1, depth: 1}, // read the connection
		{calls: 1, depth: 1}, // list the connection's accounts
		{calls: 1, depth: 1}, // read the mapping
	}
	switch op {
	case OpApply:
		return []level{
			{calls: 1, depth: 1},                   // create the company
			{calls: 1, depth: 1},                   // create the connection
			{calls: accountsPerCustomer, depth: 1}, // create the accounts
			{calls: 1, depth: 1},                   // read the mapping
		}
	case OpPlan:
		return refresh
	case OpDestroy:
		return append(refresh,
			level{calls: accountsPerCustomer, depth: 1}, // delete the accounts
			level{calls: 1, depth: 1},                   // delete the connection
			level{calls: 1, depth: 1},                   // delete the company
		)
	}
	return nil
}

// APIFloor is the shortest time the API calls of op for n customers can take when each call takes latency and
// at most parallel calls are in flight: for each level, the larger of its calls x latency / parallel (the work
// spread over every slot) and its depth x latency (its chain, which no parallelism shortens).
func APIFloor(op Op, n int, latency time.Duration, parallel int) time.Duration {
	var floor time.Duration
	for _, l := range levels(op) {
		work := time.Duration(l.calls*n) * latency / time.Duration(parallel)
		floor += max(work, time.Duration(l.depth)*latency)
	}
	return floor
}
