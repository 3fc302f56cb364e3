package bench

import (
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// accountsPerCustomer is how many source accounts each generated customer has.
const accountsPerCustomer = 2

// providerConcurrency is the provider's max_concurrent_requests in every run, its default: the most API calls in
// flight at once, whatever Terraform's -parallelism.
const providerConcurrency = 10

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

// Minimum is the least number of API calls an operation needs: so many per customer, by route, plus so many per
// operation, whatever the number of customers.
type Minimum struct {
	PerCustomer, PerOperation map[string]int
}

// Total is the minimum for n customers, by route.
func (m Minimum) Total(n int) map[string]int {
	out := map[string]int{}
	for route, c := range m.PerCustomer {
		out[route] += c * n
	}
	for route, c := range m.PerOperation {
		out[route] += c
	}
	return out
}

// refresh is the least a refresh of n customers can cost: one list of each connection's source accounts shared
// by both accounts (Codat cannot read one) and one read of each mapping; the companies and connections come from
// one page of GET /companies once the provider has read one company on its own and asked how many there are
// (see companyDirectory in the provider); a single customer's company is read on its own and its connection taken
// from it. The mapping data source takes the connection the connection resource read.
func refresh(n int) Minimum {
	m := Minimum{
		PerCustomer:  map[string]int{sandbox.RouteListSourceAccounts: 1, sandbox.RouteGetMappings: 1},
		PerOperation: map[string]int{sandbox.RouteGetCompany: 1},
	}
	if n > 1 {
		m.PerOperation[sandbox.RouteListCompanies] = 1 + codat.PagesFor(n)
	}
	return m
}

// MinimumCalls is the least number of API calls that op needs for n customers.
//
//   - apply: create the company, the connection and both accounts (one batch create for the connection's
//     accounts), and read the mapping once. The data source reads the connection the connection resource just
//     created instead of fetching it again.
//   - plan (no changes): the refresh.
//   - destroy: the refresh Terraform makes before planning the destroy, then one DELETE per object. Deleting a
//     company would cascade to its connection and accounts, but Terraform destroys dependents first, and a
//     provider cannot tell from one account's delete that its company goes too: skipping the child deletes would
//     leave accounts behind whenever only they are removed from the configuration.
func MinimumCalls(op Op, n int) Minimum {
	switch op {
	case OpApply:
		return Minimum{PerCustomer: map[string]int{
			sandbox.RouteCreateCompany:             1,
			sandbox.RouteCreateConnection:          1,
			sandbox.RouteCreateSourceAccountsBatch: 1,
			sandbox.RouteGetMappings:               1,
		}}
	case OpPlan:
		return refresh(n)
	case OpDestroy:
		m := refresh(n)
		m.PerCustomer[sandbox.RouteDeleteSourceAccount] = accountsPerCustomer
		m.PerCustomer[sandbox.RouteDeleteConnection] = 1
		m.PerCustomer[sandbox.RouteDeleteCompany] = 1
		return m
	}
	return Minimum{}
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// level is the part of an operation on one kind of object: calls per customer and per operation, and depth, how
// many calls must run one after the other.
type level struct {
	calls, fixed, depth int
}

// levels splits op into the levels Terraform runs one after the other. Terraform starts an object only once every
// instance of each resource it references is done, across all customers and module instances alike: no connection
// is created before the last company, no account before the last connection, and the mapping data source's
// depends_on makes it wait for the last account. So each level is a barrier. The destroy's refresh is a walk of
// its own, then the deletes run dependents first.
func levels(op Op, n int) []level {
	companies := level{calls: 1, depth: 1}
	if n > 1 {
		// One company read on its own while the count is asked, then the page.
		companies = level{fixed: 2 + codat.PagesFor(n), depth: 2}
	}
	refresh := []level{
		companies,
		{},                   // the connections come with their companies
		{calls: 1, depth: 1}, // list the connection's accounts
		{calls: 1, depth: 1}, // read the mapping
	}
	switch op {
	case OpApply:
		return []level{
			{calls: 1, depth: 1}, // create the company
			{calls: 1, depth: 1}, // create the connection
			{calls: 1, depth: 1}, // create the accounts
			{calls: 1, depth: 1}, // read the mapping
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
// spread over every slot) and its depth x latency (its chain, which no parallelism shortens). parallel is the
// smaller of Terraform's -parallelism and the provider's concurrency limit.
func APIFloor(op Op, n int, latency time.Duration, parallel int) time.Duration {
	parallel = min(parallel, providerConcurrency)
	var floor time.Duration
	for _, l := range levels(op, n) {
		work := time.Duration(l.calls*n+l.fixed) * latency / time.Duration(parallel)
		floor += max(work, time.Duration(l.depth)*latency)
	}
	return floor
}

// PacingFloor is the shortest time calls can take at Codat's limit of 1,000 requests a minute.
func PacingFloor(calls int) time.Duration {
	return time.Duration(calls) * time.Minute / codat.DefaultRequestsPerMinute
}
