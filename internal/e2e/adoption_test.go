package e2e_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// Sandbox route names of the creates that the provider reconciles after an unknown outcome.
const (
// sandbox.RouteCreateSourceAccountsBatch is the batch create, which the accounts of one connection created together go through.
)

// Codat stores a 500 for the request's Idempotency-Key and replays it to every retry with that key (C4), and the
// 500 may come after the change was committed. For each create (company, connection, source account, source
// accounts in a batch), a 500
// before and after commit: the apply succeeds in one run, the client never re-sends a key whose answer was a 500,
// and the sandbox ends with exactly the configured objects, all in the state, with an empty plan. Were the apply
// to fail, a second apply is run first, as a user would: it must not duplicate anything either.
func TestAccCreateAfterCached500(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	routes := map[string]string{
		"company":         sandbox.RouteCreateCompany,
		"connection":      sandbox.RouteCreateConnection,
		"source account":  sandbox.RouteCreateSourceAccount,
		"source accounts": sandbox.RouteCreateSourceAccountsBatch,
	}
	var wg sync.WaitGroup
	for what, route := range routes {
		for _, kind := range []sandbox.FaultKind{sandbox.Fault500, sandbox.Fault500AfterCommit} {
			wg.Go(func() {
				t.Run(what+"/"+string(kind), func(t *testing.T) {
					env := acctest.New(t)
					tf := acctest.NewCLI(t)
					tf.WriteConfig(customersConfig(env, 1, "max_retries = 3"))
					// A 500 before commit twice in a row, so that the create made again after the first meets
					// the second; a 500 after commit once, as the object it leaves is then adopted.
					faults := map[sandbox.FaultKind]int{sandbox.Fault500: 2, sandbox.Fault500AfterCommit: 1}[kind]
					env.Sandbox.InjectFault(route, kind, faults)
					if route == sandbox.RouteCreateSourceAccountsBatch {
						// Terraform hands both accounts over together, and they go in one batch; should a busy
						// machine keep them apart, they go alone and meet the same faults there.
						env.Sandbox.InjectFault(sandbox.RouteCreateSourceAccount, kind, faults)
					}

					// One at a time, the two accounts go through the single create; together, through the batch.
					var flags []string
					if route == sandbox.RouteCreateSourceAccount {
						flags = []string{"-parallelism=1"}
					}
					first := tf.Apply(flags...)
					applies := 1
					if !first.OK() {
						applies++
						if again := tf.Apply(flags...); !again.OK() {
							t.Fatalf("the second apply failed too: %s", again)
						}
					}
					inv := takeInventory(env.Sandbox, tf.State())
					inv.check(t, fmt.Sprintf("after %d applies", applies))
					if want := 2 + accountsPerCustomer; len(inv.sandbox) != want {
						t.Errorf("the sandbox holds %d objects, want %d", len(inv.sandbox), want)
					}
					if empty, run := tf.PlanIsEmpty(); !empty {
						t.Errorf("the plan after apply is not empty: %s", run)
					}
					if !first.OK() {
						t.Errorf("the apply did not recover from the stored 500: %s", firstDiagnostic(first.Output))
					}
					if got := env.Sandbox.FaultCounts()[kind]; got != faults {
						t.Errorf("%d faults injected, want %d", got, faults)
					}
					if n := env.Sandbox.Replays()[http.StatusInternalServerError]; n != 0 {
						t.Errorf("the client re-sent %d requests whose key Codat had answered with a 500: Codat only "+
							"replays that 500", n)
					}
				})
			})
		}
	}
	wg.Wait()
}

// A 500 to a PATCH is replayed for its key too; an update sets the same values however often it is applied, so
// the client retries it with a new key and the update succeeds.
func TestAccUpdateAfterCached500(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := acctest.NewCLI(t)
	cfg := customersConfig(env, 1, "max_retries = 3")
	tf.WriteConfig(cfg)
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("apply: %s", run)
	}
	tf.WriteConfig(strings.Replace(cfg, `account_name   = "${local.customers[each.value.customer]} ${each.value.account}"`,
		`account_name   = "${local.customers[each.value.customer]} ${each.value.account} renamed"`, 1))
	env.Sandbox.InjectFault(sandbox.RouteUpdateSourceAccount, sandbox.Fault500, 1)
	env.Sandbox.InjectFault(sandbox.RouteUpdateSourceAccount, sandbox.Fault500AfterCommit, 1)
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("the update did not recover from the stored 500s: %s", run)
	}
	for _, o := range tf.State() {
		if o.Type == "codat_bank_feed_account" && !strings.HasSuffix(o.Attr("account_name"), " renamed") {
			t.Errorf("%s has account_name %q", o.Address, o.Attr("account_name"))
		}
	}
	if empty, run := tf.PlanIsEmpty(); !empty {
		t.Errorf("the plan after apply is not empty: %s", run)
	}
	if n := env.Sandbox.Replays()[http.StatusInternalServerError]; n != 0 {
		t.Errorf("%d stored 500s were replayed: the PATCH was retried with the same key", n)
	}
	if got := env.Sandbox.FaultCounts(); got[sandbox.Fault500]+got[sandbox.Fault500AfterCommit] != 2 {
		t.Errorf("faults %v, want both 500s injected", got)
	}
}

// A company of the same name made an hour before the apply is someone else's: after a 500 (before or after
// commit) the provider neither adopts it nor counts it as a rival, and the older company is left as it was.
func TestAccCreateAfterCached500_olderNamesakeLeftAlone(t *testing.T) {
	t.Parallel()
	for _, kind := range []sandbox.FaultKind{sandbox.Fault500, sandbox.Fault500AfterCommit} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			clock := sandbox.NewClock(time.Now().UTC().Add(-time.Hour))
			env := acctest.New(t, func(o *sandbox.Options) { o.Now = clock.Now })
			older := env.CreateCompany(t, "Customer 000")
			clock.Set(time.Now().UTC())

			tf := acctest.NewCLI(t)
			tf.WriteConfig(customersConfig(env, 1))
			env.Sandbox.InjectFault(sandbox.RouteCreateCompany, kind, 1)
			if run := tf.Apply(); !run.OK() {
				t.Fatalf("apply: %s", run)
			}
			var managed string
			for _, o := range tf.State() {
				if o.Type == "codat_company" {
					managed = o.Attr("id")
				}
			}
			if managed == "" || managed == older {
				t.Errorf("the state manages company %q; want the new one, not the older namesake %s", managed, older)
			}
			if n := len(env.Sandbox.Companies()); n != 2 {
				t.Errorf("the sandbox holds %d companies, want the older one and the new one", n)
			}
			if empty, run := tf.PlanIsEmpty(); !empty {
				t.Errorf("the plan after apply is not empty: %s", run)
			}
		})
	}
}

// When more than one object could be the one a create with a stored 500 made, the provider adopts none and
// creates none: the error names every candidate with the import command, and importing the right one converges.
// The sandbox's clock stands still, so an object made by another party just before the apply counts as made
// since the create began.
func TestAccCreateAfterCached500_ambiguous(t *testing.T) {
	t.Parallel()
	for _, what := range []string{"company", "connection"} {
		t.Run(what, func(t *testing.T) {
			t.Parallel()
			clock := sandbox.NewClock(time.Now().UTC().Truncate(time.Second))
			env := acctest.New(t, func(o *sandbox.Options) { o.Now = clock.Now })
			tf := acctest.NewCLI(t)
			tf.WriteConfig(customersConfig(env, 1))
			var rival, address, resourceType string
			if what == "company" {
				rival = env.CreateCompany(t, "Customer 000")
				address, resourceType = `codat_company.customer["c000"]`, "companies"
				env.Sandbox.InjectFault(sandbox.RouteCreateCompany, sandbox.Fault500AfterCommit, 1)
			} else {
				if run := tf.Run("apply", "-auto-approve", "-no-color", `-target=codat_company.customer["c000"]`); !run.OK() {
					t.Fatalf("apply of the company: %s", run)
				}
				company := env.OnlyCompany(t).ID
				rival = company + "/" + env.CreateConnection(t, company)
				address, resourceType = `codat_connection.xero["c000"]`, "connections"
				env.Sandbox.InjectFault(sandbox.RouteCreateConnection, sandbox.Fault500AfterCommit, 1)
			}
			env.Sandbox.ResetCounts()
			run := tf.Apply()
			if run.OK() {
				t.Fatalf("apply adopted one of two candidates: %s", run)
			}
			// The candidates: the rival and the object the create made, each with its import command.
			importLine := regexp.MustCompile(`terraform import '<address>' (\S+)`)
			var ids []string
			for _, m := range importLine.FindAllStringSubmatch(run.Output, -1) {
				ids = append(ids, m[1])
			}
			if len(ids) != 2 || !strings.Contains(run.Output, "2 "+resourceType) || !strings.Contains(strings.Join(ids, " "), rival) {
				t.Fatalf("the error does not name both candidates (%v, the rival is %s) with import commands:\n%s", ids, rival, run.Output)
			}
			t.Logf("the failed apply:\n%s", run.Output)
			ours := ids[0]
			if ours == rival {
				ours = ids[1]
			}
			if n := env.Sandbox.Count(sandbox.RouteCreateCompany) + env.Sandbox.Count(sandbox.RouteCreateConnection); n != 1 {
				t.Errorf("%d creates; the provider must not create again when candidates exist", n)
			}
			t.Logf("%d API calls in the failed apply: %v", env.Sandbox.TotalCalls(), env.Sandbox.Counts())

			// The user follows the error: import the one to keep, delete the other, apply.
			if run := tf.Run("import", "-no-color", address, ours); !run.OK() {
				t.Fatalf("import: %s", run)
			}
			if what == "company" {
				env.Call(t, http.MethodDelete, "/companies/"+rival, nil, nil)
			} else {
				company, conn, _ := strings.Cut(rival, "/")
				env.Call(t, http.MethodDelete, "/companies/"+company+"/connections/"+conn, nil, nil)
			}
			if run := tf.Apply(); !run.OK() {
				t.Fatalf("apply after import: %s", run)
			}
			takeInventory(env.Sandbox, tf.State()).check(t, "after import and apply")
			if empty, run := tf.PlanIsEmpty(); !empty {
				t.Errorf("the plan after apply is not empty: %s", run)
			}
		})
	}
}
