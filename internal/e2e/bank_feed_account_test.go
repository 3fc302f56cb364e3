package e2e_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// v1Explanation matches the explanation of v1 account types refused by a v2 client, however Terraform wraps it.
var v1Explanation = regexp.MustCompile(`Debit\s+and\s+Credit\s+are\s+account\s+types\s+of\s+Codat's\s+v1`)

// The source accounts of a connection created in one apply go to Codat in one batch create, whether the Codat
// client speaks v2 or v1 source accounts; every account is in the state as Codat made it, and the next plan is
// empty.
func TestAccBankFeedAccountBatch_oneRequestPerConnection(t *testing.T) {
	t.Parallel()
	for _, v1 := range []bool{false, true} {
		t.Run(fmt.Sprintf("v1 %v", v1), func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t, func(o *sandbox.Options) {
				if v1 {
					o.IntegratedOn = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
				}
			})
			tf := acctest.NewCLI(t)
			const customers = 3
			cfg := customersConfig(env, customers)
			if v1 {
				cfg = withAccountTypes(cfg, "Debit", "Credit")
			}
			tf.WriteConfig(cfg)
			if run := tf.Apply(); !run.OK() {
				t.Fatalf("apply: %s", run)
			}
			// Terraform hands the accounts over together and each connection's pair goes in one batch (the
			// gathering itself is tested in TestAccountBatcherGathersUntilSettled; make bench counts it at scale).
			// Whatever the timing, each account went in exactly one create.
			batches, singles := env.Sandbox.Count(sandbox.RouteCreateSourceAccountsBatch), env.Sandbox.Count(sandbox.RouteCreateSourceAccount)
			t.Logf("%d batch and %d single creates", batches, singles)
			if 2*batches+singles != customers*accountsPerCustomer {
				t.Errorf("%d batch and %d single creates do not add up to %d accounts", batches, singles, customers*accountsPerCustomer)
			}
			takeInventory(env.Sandbox, tf.State()).check(t, "after apply")
			for _, o := range tf.State() {
				if o.Type != "codat_bank_feed_account" {
					continue
				}
				want := map[bool]map[bool]string{false: {true: "checking", false: "savings"}, true: {true: "Debit", false: "Credit"}}[v1][strings.HasSuffix(o.Attr("account_id"), "current")]
				if o.Attr("account_type") != want || o.Attr("status") != "pending" {
					t.Errorf("%s: account_type %q, status %q", o.Address, o.Attr("account_type"), o.Attr("status"))
				}
			}
			if empty, run := tf.PlanIsEmpty(); !empty {
				t.Errorf("the plan after apply is not empty: %s", run)
			}
		})
	}
}

// Codat answers each account of a batch on its own (207): an account whose id the connection already has gets
// Codat's error for that account, and the others are created and recorded. (TestCreateSourceAccountsOutcomes checks
// the 207 answer item by item.)
func TestAccBankFeedAccountBatch_itemError(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := acctest.NewCLI(t)
	base := cliProviderConfig(env) + acctest.CompanyWithConnection("c", "x", "Batch item errors")
	account := func(id string) string {
		return fmt.Sprintf(`
resource "codat_bank_feed_account" %[1]q {
  company_id     = codat_company.c.id
  connection_id  = codat_connection.x.id
  account_id     = %[1]q
  account_name   = "Account %[1]s"
  account_type   = "checking"
  account_number = "12345678"
  currency       = "USD"
  balance        = 1
}
`, id)
	}
	tf.WriteConfig(base)
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("apply: %s", run)
	}
	company := env.OnlyCompany(t)
	conn := env.Sandbox.Connections(company.ID)[0]
	// Someone else made "taken" on the connection.
	env.Call(t, http.MethodPost, fmt.Sprintf("/companies/%s/connections/%s/connectionInfo/bankFeedAccounts", company.ID, conn.ID),
		map[string]any{"id": "taken", "accountName": "Someone else's", "accountType": "savings", "accountNumber": "9",
			"currency": "USD", "balance": 0}, nil)
	env.Sandbox.ResetCounts()

	tf.WriteConfig(base + account("fresh") + account("taken"))
	run := tf.Apply()
	if run.OK() {
		t.Fatalf("the apply succeeded although account id taken exists: %s", run)
	}
	// In the batch (one request for both, as Terraform hands them over together) Codat answers the taken account
	// 409; alone, 400. Either way the error is Codat's answer about that account.
	if !acctest.ErrorRegexp(`Unable to create source account "taken"`, `A bank account already exists with the same Id`).MatchString(run.Output) {
		t.Errorf("no error for the taken account with Codat's answer: %s", run.Output)
	}
	if n := strings.Count(run.Output, "Error: "); n != 1 {
		t.Errorf("%d errors, want only the taken account's: %s", n, run.Output)
	}
	t.Logf("%d batch and %d single creates", env.Sandbox.Count(sandbox.RouteCreateSourceAccountsBatch), env.Sandbox.Count(sandbox.RouteCreateSourceAccount))
	inState := map[string]bool{}
	for _, o := range tf.State() {
		if o.Type == "codat_bank_feed_account" {
			inState[o.Attr("account_id")] = true
		}
	}
	if !inState["fresh"] || inState["taken"] {
		t.Errorf("accounts in state %v, want fresh only", inState)
	}
	if taken, ok := env.Sandbox.SourceAccount(company.ID, conn.ID, "taken"); !ok || taken.AccountName != "Someone else's" {
		t.Errorf("the account someone else made is %+v", taken)
	}
}

// Codat refuses a whole batch (400) for an account it would refuse alone. Each account then goes on its own, so that
// each resource gets Codat's answer about itself: here both carry the v1 account types on a v2 client, and both
// errors explain them.
func TestAccBankFeedAccountBatch_refusedBatchGoesOneByOne(t *testing.T) {
	t.Parallel()
	env, _, run := applyAccountTypes(t, "Debit", "Credit")
	if run.OK() {
		t.Fatalf("v1 account types on a v2 client were accepted: %s", run)
	}
	if n := len(v1Explanation.FindAllStringIndex(run.Output, -1)); n != accountsPerCustomer {
		t.Errorf("%d errors explain the v1 types, want one per account: %s", n, run.Output)
	}
	if batches, singles := env.Sandbox.Count(sandbox.RouteCreateSourceAccountsBatch), env.Sandbox.Count(sandbox.RouteCreateSourceAccount); batches > 1 || singles != accountsPerCustomer {
		t.Errorf("%d batch and %d single creates, want at most the refused batch, then each account alone", batches, singles)
	}
}

// A v2 and a v1 account of the same connection go apart: a batch mixing both would be refused whole. The v2 account
// is created; the v1 one gets Codat's refusal with the explanation.
func TestAccBankFeedAccountBatch_shapesApart(t *testing.T) {
	t.Parallel()
	env, tf, run := applyAccountTypes(t, "checking", "Credit")
	if run.OK() || !v1Explanation.MatchString(run.Output) {
		t.Fatalf("want the v1 account refused with the explanation: %s", run)
	}
	if n := strings.Count(run.Output, "Error: "); n != 1 {
		t.Errorf("%d errors, want one: %s", n, run.Output)
	}
	if got := [2]int{env.Sandbox.Count(sandbox.RouteCreateSourceAccountsBatch), env.Sandbox.Count(sandbox.RouteCreateSourceAccount)}; got != [2]int{0, 2} {
		t.Errorf("%d batch and %d single creates, want each account alone", got[0], got[1])
	}
	var created []string
	for _, o := range tf.State() {
		if o.Type == "codat_bank_feed_account" {
			created = append(created, o.Attr("account_id"))
		}
	}
	if len(created) != 1 || created[0] != "c000-current" {
		t.Errorf("accounts in state %v, want the checking one", created)
	}
}

// The same through the terraform CLI, as a team runs it: once transactions have moved a connected account's
// balance, `terraform plan` succeeds twice in a row with no change; a new opening balance in the configuration
// plans an in-place update that warns it is recorded only.
func TestAccBankFeedAccountCLI_plansAfterPushedTransactions(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := acctest.NewCLI(t)
	tf.WriteConfig(acctest.AccountConfig(env, "Business Current", "12345678", "1234.56"))
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("apply: %s", run)
	}
	companyID, connectionID, accountID := env.ConnectAccount(t)
	env.PushTransactions(t, companyID, connectionID, accountID,
		map[string]any{"id": "t1", "date": time.Now().UTC().Format("2006-01-02"), "description": "Card payment",
			"amount": -234.56, "balance": 1000, "transactionType": "Debit"})
	for i := 1; i <= 2; i++ {
		if empty, run := tf.PlanIsEmpty(); !empty {
			t.Fatalf("plan %d after the push is not empty: %s", i, run)
		}
	}
	if objs := tf.State(); len(objs) != 3 {
		t.Fatalf("state holds %d objects", len(objs))
	}

	tf.WriteConfig(acctest.AccountConfig(env, "Business Current", "12345678", "1300"))
	empty, run := tf.PlanIsEmpty()
	if empty || !strings.Contains(run.Output, "Opening balance recorded, not sent") ||
		!regexp.MustCompile(`~ balance\s+= 1234\.56 -> 1300`).MatchString(run.Output) || strings.Contains(run.Output, "forces replacement") {
		t.Fatalf("plan of a new opening balance: %s", run)
	}
	if n := env.Sandbox.Count(sandbox.RouteUpdateSourceAccount); n != 0 {
		t.Errorf("%d source-account updates sent", n)
	}
	if run := tf.Destroy(); !run.OK() {
		t.Fatalf("destroy: %s", run)
	}
}
