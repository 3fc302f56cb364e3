package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// Codat has no GET for one source account. Refreshing 50 accounts of one connection must share the list call
// instead of listing the connection 50 times.
func TestAccBankFeedAccountResource_refreshSharesListCall(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	cfg := env.ProviderConfig() + acctest.CompanyAndConnection + acctest.Account{Resource: "test", ID: "acc-${count.index}",
		Name: "Account ${count.index}", Type: "checking", Number: "${10000000 + count.index}", Currency: "USD",
		Balance: "count.index", Extra: "  count          = 50\n"}.HCL()
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(*terraform.State) error {
					env.Sandbox.ResetCounts()
					return nil
				},
			},
			{
				// One plan (with its refresh) of the unchanged configuration.
				Config:           cfg,
				ConfigPlanChecks: acctest.NoChange(),
				Check: func(*terraform.State) error {
					// The step refreshes more than once (plan, apply); each refresh reads the company once.
					refreshes := env.Sandbox.Count(sandbox.RouteGetCompany)
					lists := env.Sandbox.Count(sandbox.RouteListSourceAccounts)
					t.Logf("%d refreshes of 50 accounts: %d list calls, %d calls in all", refreshes, lists, env.Sandbox.TotalCalls())
					if refreshes == 0 || lists > refreshes {
						return fmt.Errorf("%d refreshes made %d list calls; want at most one per refresh (%v)", refreshes, lists, env.Sandbox.Counts())
					}
					return nil
				},
			},
		},
	})
}
