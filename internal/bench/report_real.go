package bench

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// beforeCommit is the provider these runs compare with: the one before the company directory, the batch create of
// source accounts and the per-minute pacing.
const beforeCommit = "6243f45"

// before is what each operation cost per customer, by route, at beforeCommit: measured by make bench's module shape
// (the quickstart's customer module, 100 customers, the same at 10 and 500).
var before = map[Op]map[string]int{
	OpApply: {sandbox.RouteCreateCompany: 1, sandbox.RouteCreateConnection: 1, sandbox.RouteCreateSourceAccount: accountsPerCustomer, sandbox.RouteGetMappings: 1},
	OpPlan:  {sandbox.RouteGetCompany: 1, sandbox.RouteGetConnection: 1, sandbox.RouteListSourceAccounts: 1, sandbox.RouteGetMappings: 1},
	OpDestroy: {sandbox.RouteGetCompany: 1, sandbox.RouteGetConnection: 1, sandbox.RouteListSourceAccounts: 1, sandbox.RouteGetMappings: 1,
		sandbox.RouteDeleteSourceAccount: accountsPerCustomer, sandbox.RouteDeleteConnection: 1, sandbox.RouteDeleteCompany: 1},
}

// Goals per customer from 100 customers on.
const (
	goalPlanCalls  = 2.2
	goalApplyCalls = 4.2
)

// newClientQuota is the daily quota of a Codat client whose customers have not linked yet: 1,000 × (1 + 0 active
// connected companies) (docs.codat.io, using-the-api/rate-limits; CODAT-FACTS C12).
const newClientQuota = 1_000

// callGoals checks the calls per customer of plans and applies of at least 100 customers.
func callGoals(b *strings.Builder, calls func(op Op) map[int]int) {
	for _, g := range []struct {
		op   Op
		goal float64
		what string
	}{{OpPlan, goalPlanCalls, "no-change plan"}, {OpApply, goalApplyCalls, "first apply"}} {
		var ok []string
		met := true
		ns := calls(g.op)
		for _, n := range slices.Sorted(maps.Keys(ns)) {
			if n < 100 {
				continue
			}
			per := float64(ns[n]) / float64(n)
			ok = append(ok, fmt.Sprintf("%.2f at %d", per, n))
			met = met && per <= g.goal
		}
		if len(ok) == 0 {
			continue
		}
		fmt.Fprintf(b, "| %s at most %.1f calls per customer from 100 customers | %s: %s |\n", g.what, g.goal, yes(met), strings.Join(ok, ", "))
	}
}

// writeReal writes the runs at Codat's limits.
func writeReal(b *strings.Builder, rep *Report) {
	if len(rep.Real) == 0 {
		return
	}
	o := rep.Options
	burst := max(1, codat.DefaultRequestsPerMinute/50)
	pace := float64(codat.DefaultRequestsPerMinute-2*burst) * 60 / 63
	fmt.Fprintf(b, "## At Codat's limits\n\nOn real Codat the API's own limits decide how fast the provider can go, not "+
		"its latency: **1,000 requests a minute per IP address** (Codat may block an address that sends more, without "+
		"warning) and a daily quota of 1,000 × (1 + active connected companies). These runs apply and plan the same "+
		"customers against a sandbox that answers `429` with `Retry-After` past 1,000 requests within any 60 seconds, "+
		"with the provider's pacing at its default, `max_requests_per_minute = 1000` (a burst of %d, then about %.0f a "+
		"minute: see the provider's documentation). The sandbox still answers after %s and Terraform runs with "+
		"`-parallelism=%d`. Above %d customers the customers are split into states of %d, applied (then planned) one "+
		"after the other, as the guide recommends beyond a few hundred customers. The floor is the API calls at "+
		"1,000 a minute; the unpaced wall time is the run above at the same size, with no limit anywhere.\n\n",
		burst, pace, o.Latency, o.Parallelism, o.PartSize, o.PartSize)
	b.WriteString("| customers | states | operation | wall | wall, unpaced | floor at 1,000 a minute | ratio | API calls | " +
		"per customer | most requests in 60 s | refused | provider peak RSS | provider CPU |\n")
	b.WriteString("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	unpacedWall := map[[2]any]time.Duration{}
	for _, r := range rep.Results {
		unpacedWall[[2]any{r.N, r.Op}] = r.Wall
	}
	peak, refused := 0, 0
	for _, r := range rep.Real {
		floor := PacingFloor(total(r.Calls))
		unpaced := "—"
		if w, ok := unpacedWall[[2]any{r.N, r.Op}]; ok {
			unpaced = seconds(w)
		}
		fmt.Fprintf(b, "| %d | %d | %s | %s | %s | %s | %.2f | %d | %s | %d | %d | %d MiB | %s |\n", r.N, r.Parts, r.Op,
			seconds(r.Wall), unpaced, seconds(floor), float64(r.Wall)/float64(floor), total(r.Calls),
			perCustomer(total(r.Calls), r.N), r.PeakPerMinute, r.Refused, r.Provider.PeakRSSKiB>>10, seconds(r.Provider.CPU))
		peak, refused = max(peak, r.PeakPerMinute), refused+r.Refused
	}
	b.WriteString("\nThe pacing admits about 91 % of the limit once its burst is spent, which leaves room for " +
		"requests that reach Codat a few seconds late and for the plan and apply processes of one run that follow " +
		"each other (the provider's documentation of max_requests_per_minute says how it is sized): that alone puts " +
		"the ratio near 1.1. An apply adds Terraform's own work between its levels (companies, connections, " +
		"accounts, mappings), which the paced calls of one level cannot overlap with the next.\n")
	b.WriteString("\n| goal | met |\n|---|---|\n")
	fmt.Fprintf(b, "| no 60 seconds with more than 1,000 requests at the sandbox | %s: at most %d |\n", yes(peak <= codat.DefaultRequestsPerMinute), peak)
	fmt.Fprintf(b, "| no request refused for the per-minute limit | %s: %d refused |\n", yes(refused == 0), refused)
	callGoals(b, func(op Op) map[int]int {
		out := map[int]int{}
		for _, r := range rep.Real {
			if r.Op == op {
				out[r.N] = total(r.Calls)
			}
		}
		return out
	})
	b.WriteString("\n")

	// Calls per customer by route, next to the provider before these changes.
	var ns []int
	for _, r := range rep.Real {
		ns = appendNew(ns, r.N)
	}
	writeCallsHeader(b, fmt.Sprintf("API calls per customer, by route, next to the provider before the changes below (%s)",
		beforeCommit), ns, "before")
	for _, op := range []Op{OpApply, OpPlan} {
		byN := map[int]map[string]int{}
		for _, r := range rep.Real {
			if r.Op == op {
				byN[r.N] = r.Calls
			}
		}
		writeRouteRows(b, op, ns, byN, before[op], func(route string) string { return fmt.Sprint(before[op][route]) })
		fmt.Fprintf(b, "| %s | all |", op)
		for _, n := range ns {
			fmt.Fprintf(b, " **%s** |", perCustomer(total(byN[n]), n))
		}
		fmt.Fprintf(b, " **%d** |\n", total(before[op]))
	}
	b.WriteString("\n")

	// What a new client's quota allows.
	largest := slices.Max(ns)
	var applyCalls int
	for _, r := range rep.Real {
		if r.Op == OpApply && r.N == largest {
			applyCalls = total(r.Calls)
		}
	}
	afterPer := float64(applyCalls) / float64(largest)
	beforePer := total(before[OpApply])
	fmt.Fprintf(b, "### Customers a new client can onboard in a day\n\nA Codat client whose customers have not linked "+
		"Xero yet has %s requests a day (1,000 × (1 + 0 active connected companies)), reset at 00:00 UTC. A customer's "+
		"first apply costs %s calls (at %d customers, above) against %d before, so one apply a day onboards:\n\n",
		formatThousands(newClientQuota), perCustomer(applyCalls, largest), largest, beforePer)
	b.WriteString("| | calls per customer, first apply | customers a day within 1,000 requests |\n|---|---:|---:|\n")
	fmt.Fprintf(b, "| before (%s) | %d | %d |\n", beforeCommit, beforePer, newClientQuota/beforePer)
	fmt.Fprintf(b, "| before, with `products = [\"bank-feeds\"]` on each company | %d | %d |\n", beforePer+1, newClientQuota/(beforePer+1))
	fmt.Fprintf(b, "| now | %.2f | %d |\n\n", afterPer, int(float64(newClientQuota)/afterPer))
	b.WriteString("Every later plan or apply refreshes the customers already onboarded first (the plan calls per customer " +
		"above), and each customer that links Xero adds 1,000 requests to the next day's quota.\n\n")
}

func formatThousands(n int) string {
	s := fmt.Sprint(n)
	if len(s) <= 3 {
		return s
	}
	return s[:len(s)-3] + "," + s[len(s)-3:]
}
