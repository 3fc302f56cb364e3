package bench

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Goal is the most the wall time may exceed the larger floor by.
const Goal = 1.5

// WriteMarkdown writes the report as BENCHMARKS.md. command is the exact command that produced it.
func (rep *Report) WriteMarkdown(w io.Writer, command string) error {
	var b strings.Builder
	o := rep.Options
	m := rep.Machine
	b.WriteString("# Benchmarks\n\n")
	fmt.Fprintf(&b, "Written by `make bench`, which runs:\n\n```sh\n%s\n```\n\n", command)
	fmt.Fprintf(&b, "Machine: %d CPUs (`nproc`), %s, %.0f GiB RAM, %s; %s; Terraform %s. The run took %s.\n\n",
		m.CPUs, m.CPUModel, m.MemoryGiB, m.Kernel, m.Go, m.Terraform, rep.Elapsed.Round(time.Second))
	fmt.Fprintf(&b, "The sandbox answers every API call after %s; `terraform -parallelism=%d`; the provider's "+
		"`max_concurrent_requests` is its default, 10. These runs measure the provider's own speed: the sandbox "+
		"applies no per-minute limit and the provider's `max_requests_per_minute` is set far above what they send "+
		"(see [At Codat's limits](#at-codats-limits) for both at Codat's 1,000 a minute). The real `terraform` binary runs the provider binary built by "+
		"`go build`, through a `dev_overrides` CLI configuration. Each customer is a company, a Xero connection, "+
		"two source accounts and a `codat_bank_feed_mapping` data source; a `check` "+
		"block and an output read every customer, as in `examples/quickstart`. The state is kept by Terraform's "+
		"`%s` backend (see [the backends](#terraforms-own-cost-by-shape-and-backend)).\n\n", o.Latency, o.Parallelism, o.Backend)

	for _, shape := range o.Shapes {
		results := rep.resultsOf(shape.Name)
		fmt.Fprintf(&b, "## Shape `%s`\n\n%s.\n\n", shape.Name, shape.Description)
		b.WriteString("| customers | operation | wall | per customer | API floor | Terraform floor | ratio | " +
			"ratio to the sum of the floors | API calls | minimum | provider peak RSS | provider CPU | Terraform CPU | " +
			"Terraform CPU, stand-in |\n")
		b.WriteString("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, r := range results {
			ratio := fmt.Sprintf("%.2f", r.Ratio())
			if r.Ratio() > Goal {
				ratio = "**" + ratio + "**"
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %.2f | %d | %d | %d MiB | %s | %s | %s |\n",
				r.N, r.Op, seconds(r.Wall), millis(r.Wall/time.Duration(r.N)), seconds(r.APIFloor), seconds(r.StandIn),
				ratio, float64(r.Wall)/float64(r.APIFloor+r.StandIn), total(r.Calls), total(r.Minimum),
				r.Provider.PeakRSSKiB>>10, seconds(r.Provider.CPU), seconds(r.TerraformCPU), seconds(r.StandInCPU))
		}
		b.WriteString("\n")
		if o.Repeat > 1 {
			fmt.Fprintf(&b, "Times up to %d customers are the median of %d runs; above, of one run.\n\n", o.RepeatUpTo, o.Repeat)
		}
		writeGoals(&b, results)
		writeCalls(&b, results)
	}
	b.WriteString(reading)
	writeReal(&b, rep)
	writeShapes(&b, rep)
	b.WriteString(shapesReading)
	b.WriteString(changes)
	b.WriteString(method)
	_, err := io.WriteString(w, b.String())
	return err
}

func (rep *Report) resultsOf(shape string) []Result {
	var out []Result
	for _, r := range rep.Results {
		if r.Shape == shape {
			out = append(out, r)
		}
	}
	return out
}

// writeGoals checks the goals of the benchmark against the results.
func writeGoals(b *strings.Builder, results []Result) {
	if len(results) == 0 {
		return
	}
	minimal, within := true, true
	var over []string
	for _, r := range results {
		if !maps.Equal(r.Calls, r.Minimum) {
			minimal = false
		}
		if r.Ratio() > Goal {
			within = false
			over = append(over, fmt.Sprintf("%s at %d (%.2f)", r.Op, r.N, r.Ratio()))
		}
	}
	largest := slices.MaxFunc(results, func(a, b Result) int { return a.N - b.N }).N
	b.WriteString("| goal | met |\n|---|---|\n")
	fmt.Fprintf(b, "| API calls equal the minimum, route by route, at every size | %s |\n", yes(minimal))
	if within {
		fmt.Fprintf(b, "| wall time within %.1fx the larger floor at every size | yes |\n", Goal)
	} else {
		fmt.Fprintf(b, "| wall time within %.1fx the larger floor at every size | no: %s |\n", Goal, strings.Join(over, ", "))
	}
	fmt.Fprintf(b, "| %d customers complete | yes |\n", largest)
	callGoals(b, func(op Op) map[int]int {
		out := map[int]int{}
		for _, r := range results {
			if r.Op == op {
				out[r.N] = total(r.Calls)
			}
		}
		return out
	})
	// Linear growth: the cost per customer at the largest size against the smallest of at least 100 customers
	// (below that, fixed costs dominate).
	from := 0
	for _, r := range results {
		if r.N >= 100 && r.N < largest && (from == 0 || r.N < from) {
			from = r.N
		}
	}
	if from != 0 {
		at := func(n int, op Op) Result {
			for _, r := range results {
				if r.N == n && r.Op == op {
					return r
				}
			}
			return Result{N: n}
		}
		var calls, cpu, wall []string
		for _, op := range Ops {
			a, z := at(from, op), at(largest, op)
			calls = append(calls, fmt.Sprintf("%s %s → %s", op, perCustomer(total(a.Calls), from), perCustomer(total(z.Calls), largest)))
			cpu = append(cpu, fmt.Sprintf("%s %s → %s", op, millis(a.Provider.CPU/time.Duration(from)), millis(z.Provider.CPU/time.Duration(largest))))
			wall = append(wall, fmt.Sprintf("%s %s → %s", op, millis(a.Wall/time.Duration(from)), millis(z.Wall/time.Duration(largest))))
		}
		fmt.Fprintf(b, "| per customer from %d to %d customers: API calls | %s |\n", from, largest, strings.Join(calls, ", "))
		fmt.Fprintf(b, "| per customer: provider CPU | %s |\n", strings.Join(cpu, ", "))
		fmt.Fprintf(b, "| per customer: wall time (Terraform's own work included) | %s |\n", strings.Join(wall, ", "))
	}
	b.WriteString("\n")
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// writeCalls shows the calls per customer by route, for every size, next to the minimum.
func writeCalls(b *strings.Builder, results []Result) {
	var ns []int
	for _, r := range results {
		ns = appendNew(ns, r.N)
	}
	writeCallsHeader(b, "API calls per customer, by route (sandbox counters)", ns, "minimum")
	largest := slices.Max(ns)
	for _, op := range Ops {
		byN := map[int]map[string]int{}
		for _, r := range results {
			if r.Op == op {
				byN[r.N] = r.Calls
			}
		}
		minimum := MinimumCalls(op, largest)
		writeRouteRows(b, op, ns, byN, minimum.Total(largest), func(route string) string { return minimumText(minimum, route) })
	}
	b.WriteString("\n")
}

// writeRouteRows writes one row per route of op: the calls per customer at each size in ns (byN holds the calls by
// route at each size), then last(route). The routes are those called at any size and those of also.
func writeRouteRows(b *strings.Builder, op Op, ns []int, byN map[int]map[string]int, also map[string]int, last func(route string) string) {
	var routes []string
	add := func(m map[string]int) {
		for route := range m {
			if !slices.Contains(routes, route) {
				routes = append(routes, route)
			}
		}
	}
	for _, calls := range byN {
		add(calls)
	}
	add(also)
	slices.SortFunc(routes, compareRoutes)
	for _, route := range routes {
		fmt.Fprintf(b, "| %s | `%s` |", op, route)
		for _, n := range ns {
			fmt.Fprintf(b, " %s |", perCustomer(byN[n][route], n))
		}
		fmt.Fprintf(b, " %s |\n", last(route))
	}
}

// minimumText is a route's minimum: per customer, or per operation whatever the number of customers.
func minimumText(m Minimum, route string) string {
	switch {
	case m.PerCustomer[route] > 0:
		return fmt.Sprint(m.PerCustomer[route])
	case m.PerOperation[route] > 0:
		return fmt.Sprintf("%d per operation", m.PerOperation[route])
	}
	return "0"
}

// compareRoutes orders routes by path, then method, so that the calls on one object stay together.
func compareRoutes(a, b string) int {
	am, ap, _ := strings.Cut(a, " ")
	bm, bp, _ := strings.Cut(b, " ")
	if c := strings.Compare(ap, bp); c != 0 {
		return c
	}
	return strings.Compare(am, bm)
}

// writeShapes compares Terraform's own cost (the stand-ins) across shapes, backends and sizes.
func writeShapes(b *strings.Builder, rep *Report) {
	type key struct {
		shape   string
		backend Backend
		n       int
	}
	walls := map[key]map[Op]time.Duration{}
	state := map[key]int64{}
	var keys []key
	add := func(shape string, backend Backend, n int, op Op, wall time.Duration, stateBytes int64) {
		k := key{shape, backend, n}
		if walls[k] == nil {
			walls[k] = map[Op]time.Duration{}
			keys = append(keys, k)
		}
		walls[k][op] = wall
		if op == OpApply {
			state[k] = stateBytes
		}
	}
	for _, r := range rep.Results {
		add(r.Shape, r.Backend, r.N, r.Op, r.StandIn, r.StandInStateBytes)
	}
	for _, f := range rep.Floors {
		add(f.Shape, f.Backend, f.N, f.Op, f.Wall, f.StateBytes)
	}
	order := map[string]int{}
	for i, s := range Shapes {
		order[s.Name] = i
	}
	backends := map[Backend]int{BackendHTTP: 0, BackendLocal: 1}
	slices.SortStableFunc(keys, func(a, b key) int {
		if a.backend != b.backend {
			return backends[a.backend] - backends[b.backend]
		}
		if a.shape != b.shape {
			return order[a.shape] - order[b.shape]
		}
		return a.n - b.n
	})

	b.WriteString("## Terraform's own cost by shape and backend\n\n")
	b.WriteString("The `terraform_data` stand-ins alone: the same graph, no provider, no API. A cost that grows " +
		"linearly with the number of customers keeps its per-customer time flat.\n\n")
	for _, s := range Shapes {
		fmt.Fprintf(b, "- `%s`: %s.\n", s.Name, s.Description)
	}
	b.WriteString("\n| shape | backend | customers | apply | plan | destroy | apply per customer | plan per customer | " +
		"destroy per customer | state after apply |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, k := range keys {
		w := walls[k]
		n := time.Duration(k.n)
		fmt.Fprintf(b, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %d KiB |\n", k.shape, k.backend, k.n,
			seconds(w[OpApply]), seconds(w[OpPlan]), seconds(w[OpDestroy]),
			millis(w[OpApply]/n), millis(w[OpPlan]/n), millis(w[OpDestroy]/n), state[k]>>10)
	}
	b.WriteString("\n")
}

func perCustomer(calls, n int) string {
	if calls%n == 0 {
		return fmt.Sprintf("%d", calls/n)
	}
	if per := float64(calls) / float64(n); per < 0.1 {
		// A few calls per operation among many customers: enough digits to show them.
		return fmt.Sprintf("%.3f", per)
	}
	return fmt.Sprintf("%.2f", float64(calls)/float64(n))
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func millis(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

const reading = `### Where the time goes

- **Calls.** A refresh takes the companies and their connections from one page of ` + "`GET /companies`" + `
  (after reading one company on its own and asking how many there are), so it costs the two reads per customer
  that Codat has no list for (the source accounts and the mapping of each connection) plus three calls; an apply
  creates each connection's accounts in one batch request. Where the calls equal the minimum, the API floor is
  what any provider would need at this latency and parallelism.
- **Small configurations.** At 10 customers both floors are a few tenths of a second, and the wall time is
  dominated by costs neither floor contains: Terraform starts the provider plugin for each walk (four times for an
  apply or a destroy: schema, validate, plan, apply; three times for a plan), and waits for the API one level at a
  time (companies, then connections, then accounts, then mappings), so the latency of the levels adds to its own
  work instead of overlapping it. What the ratio to the sum of the floors leaves above 1 is mostly the plugin
  starts, and for an apply the half second the provider waits for the source accounts of each connection to
  arrive together (Terraform's hand-overs of the accounts of 500 customers came with gaps of up to 140 ms).
- **The plan.** Terraform makes four requests to the plugin for every resource (validate, upgrade the state,
  read, plan) and two for every data source (validate, read), where ` + "`terraform_data`" + ` runs in Terraform's own
  process: compare the Terraform CPU columns. The provider's CPU time is almost all the plugin framework's work per request;
  the provider's own code (client and resources) is under 5 % of its CPU profile. On two cores Terraform and the
  provider share the machine, so the plan takes about the two floors added together.
- **Large configurations.** From a few hundred customers on, apply and destroy are dominated by Terraform's own
  work, which grows faster than the number of customers even in the recommended shape (see the apply per
  customer of the stand-ins below): Terraform copies the whole state after every object it creates or deletes.
  The wall time then follows the Terraform floor, and Terraform's CPU time is close to what it spends on the
  stand-in. The provider's own cost per customer (calls, CPU time) stays flat.

`

const shapesReading = `Only the ` + "`module`" + ` shape plans in linear time, with a flat cost per customer at every size.
In the ` + "`flat`" + ` shape every operation grows quadratically: each reference such as
` + "`codat_company.customer[each.key].id`" + ` makes Terraform decode every customer's company. Reading the ids from a
map built once in ` + "`locals`" + ` (` + "`indexed`" + `) brings its apply close to the module shape's, but not its plan or
destroy. In the module shape a reference names one object of the same customer.

Apply and destroy still grow faster than the number of customers in every shape, because Terraform copies its
whole state after every object it creates or deletes. The ` + "`local`" + ` backend also writes that state to disk each
time, which makes it several times slower from 50 customers on (compare the ` + "`local`" + ` and ` + "`http`" + ` rows of the
module shape); a remote backend uploads the state every 20 seconds instead. Beyond a few hundred customers,
several states (root modules, each calling the customer module for its share of customers) keep the cost per
customer flat. The guide *From zero to connected bank feeds* recommends these shapes.

`

const changes = `## What changed in the provider to get here

Measured on this machine while writing the bench, before and after each change:

- **Companies and connections from ` + "`GET /companies`" + ` pages.** A connection comes from its company's
  ` + "`dataConnections`" + ` (in the company's own answer as in the list), and once the reads that needed a call of
  their own are at least as many as the pages a full list takes (learnt from one ` + "`pageSize=1`" + ` call's
  ` + "`totalResults`" + `), one list answers every read. An object missing from the answers is still read on its
  own, so drift is reported exactly as before. A refresh went from 4 calls per customer to 2 plus three per
  operation; 5 customers among 50,000 companies cost 5 company reads and the count, never the 25 pages of the list.
- **One batch create per connection.** The source accounts of a connection that Terraform hands over together go
  to Codat in one ` + "`POST …/bankFeedAccounts/batch`" + `, each resource getting its own item's answer: a first
  apply went from 5 calls per customer to 4. Terraform hands over at most ` + "`-parallelism`" + ` objects at a time,
  in no particular order, so accounts of one connection meet only when the parallelism is at least the number
  of accounts the apply creates (at Terraform's default of 10 and 100 customers, 1 pair in 100 met): the runs
  here use ` + "`-parallelism=1000`" + `, and the provider keeps Codat's concurrency and per-minute limits itself.
  The price is memory: the provider then holds up to a thousand of Terraform's requests at once, and its peak RSS
  at 500 customers is several times the 60 MiB it needed at a parallelism of 10. At 10, waiting for accounts to
  meet costs about a second per apply before the provider gives up on it.
- **Pacing to Codat's per-minute limit.** ` + "`max_requests_per_minute`" + ` (default 1,000) paces every request and
  retry; see [At Codat's limits](#at-codats-limits).

- **The mapping data source reuses the connection** that the connection resource read (refresh) or created
  (apply) in the same provider process, instead of reading it again: one call less per customer in every
  operation (apply 7 to 6, plan 5 to 4, destroy 9 to 8 calls per customer), which is the minimum.
- **No log lines that Terraform will not show.** With neither ` + "`TF_LOG`" + ` nor ` + "`TF_LOG_PROVIDER`" + ` set, the
  provider sets the plugin SDK's log levels to off: the SDK logged every request at TRACE, and Terraform parsed
  every line before dropping it. Writing them was a quarter of the provider's CPU profile; a plan of 100
  customers went from about 4.4 s to 3.3 s (local backend).
- **The framework no longer keeps every request's context.** terraform-plugin-framework keeps each request's
  context until StopProvider, and with it the SDK's per-request loggers: the provider's memory grew by some 40 KB
  per request. The provider now hands the framework a context that lets go of the request's once the request has
  returned. Peak RSS at 500 customers went from 201, 287 and 269 MiB (apply, plan, destroy) to 35, 38 and 41 MiB,
  before the garbage-collection target below.
- **A garbage-collection target of 400 %** unless ` + "`GOGC`" + ` is set: the SDK allocates much per request while the
  provider keeps little, so the default target collected every few requests. About 25 % less provider CPU time
  for 15 to 30 MB more peak RSS.
- **The recommended shape** is now one module per customer (` + "`examples/quickstart`" + ` and the guide), instead
  of ` + "`for_each`" + ` on each resource at the root: see the table above.

`

const method = `## How the numbers are made

- **wall**: the wall time of ` + "`terraform apply`, `terraform plan -detailed-exitcode` (which must report no " +
	"changes) and `terraform destroy`" + `, run one after the other on a fresh sandbox and an empty state.
- **API calls**: the sandbox's request counters by route, reset before each command.
- **minimum**: the least each operation can do. A refresh lists each connection's source accounts once for both
  accounts (Codat has no GET for one account) and reads each mapping once, per customer; the companies and their
  connections come from one page of ` + "`GET /companies`" + ` after one company read and one count, per operation
  (a single customer's company is read on its own, its connection taken from it); the data source takes the
  connection that the connection resource has just read or created in the same provider process. Apply creates
  the company and the connection, both accounts in one batch request, and reads the mapping. Destroy is the
  refresh ` + "`terraform destroy`" + ` makes first, then one DELETE per object: Terraform deletes the accounts, then
  the connection, then the company. A company delete would take its connection and accounts with it in Codat, but
  the provider cannot tell, when Terraform asks it to delete one account, that the company is going too; skipping
  child deletes would leave accounts behind whenever only they are removed from the configuration. A child that
  is already gone (404) counts as deleted.
- **API floor**: Terraform starts an object only when every instance of each resource it references is done,
  across all customers and module instances: no connection is created before the last company. So an operation
  is a sequence of levels (apply: companies, connections, accounts, mappings; refresh: the same four reads;
  deletes: accounts, connections, companies), and the floor is the sum over the levels of the larger of
  calls x latency / concurrency and chain x latency, where the concurrency is the provider's limit of 10 requests
  in flight (Terraform's parallelism is higher) and the chain is one call per object (two for the companies of a
  refresh: the count, then the page).
- **At Codat's limits**: the same configuration, apply then plan, against a sandbox that refuses more than 1,000
  requests from one address within any 60 seconds, with the provider's default pacing; "most requests in 60 s"
  is the sandbox's highest count over every 60-second window (windows reaching back into the command before
  count), and the floor is the calls at 1,000 a minute. Above the part size, each state's command runs in turn.
- **Terraform floor**: the wall time of the same command on the shape's stand-in, in the same run: each Codat
  resource and the data source replaced by a built-in ` + "`terraform_data`" + ` resource whose ` + "`input`" + ` holds the
  same arguments and references, so the graph, the expressions and roughly the state are the same. Terraform runs
  ` + "`terraform_data`" + ` inside its own process: no plugin starts, no API.
- **ratio**: wall / max(API floor, Terraform floor), the goal being at most 1.5 (bold above it). The ratio to the
  sum of the floors shows how much is left when the two costs simply add up, as they do when Terraform waits for
  the API one level at a time.
- **provider peak RSS / CPU**: the largest peak resident set (` + "`ru_maxrss`" + ` from wait4) of the provider
  processes Terraform started for the command (four for an apply: schema, validate, plan, apply), and their
  summed user and system CPU time. The bench puts a wrapper in the ` + "`dev_overrides`" + ` directory that runs the
  real provider as its child and records the child's resource usage when it exits.
- **Terraform CPU**: terraform's own user and system CPU time for the command, the provider processes'
  subtracted; "stand-in" is the same for the stand-in.
- **backends**: ` + "`http`" + ` is Terraform's http state backend, served by the bench in memory. Like S3, GCS or HCP
  Terraform it keeps the state in memory during an operation and uploads it every 20 seconds and at the end.
  The default ` + "`local`" + ` backend instead rewrites the whole ` + "`terraform.tfstate`" + ` after every object it creates or
  deletes. ` + "`terraform init`" + ` runs only where a backend or module needs it, with a filesystem mirror of the same
  provider binary so that it resolves the provider offline; ` + "`dev_overrides`" + ` still decides which binary runs.
- **profiles**: ` + "`make bench PROFILE=dir`" + ` builds the provider with the ` + "`benchprofile`" + ` tag, which writes a CPU
  and an allocation profile per provider process to dir (` + "`go tool pprof`" + `).
`

// appendNew is ns with n added at the end unless ns holds it already.
func appendNew(ns []int, n int) []int {
	if slices.Contains(ns, n) {
		return ns
	}
	return append(ns, n)
}

// writeCallsHeader starts a table of calls per customer by route: the title, then a column per N in ns and a
// last column named last.
func writeCallsHeader(b *strings.Builder, title string, ns []int, last string) {
	b.WriteString(title + ":\n\n| operation | route |")
	for _, n := range ns {
		fmt.Fprintf(b, " N = %d |", n)
	}
	fmt.Fprintf(b, " %s |\n|---|---|", last)
	for range ns {
		b.WriteString("---:|")
	}
	b.WriteString("---:|\n")
}
