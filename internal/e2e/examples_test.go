package e2e_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// Every example folder is terraform fmt-clean and passes terraform validate against the provider, import blocks and
// the quickstart (with its local module) included.
func TestExamplesValidate(t *testing.T) {
	acctest.PreCheck(t)
	var dirs []string
	err := filepath.WalkDir("../../examples", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tf") && !slices.Contains(dirs, filepath.Dir(path)) {
			dirs = append(dirs, filepath.Dir(path))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 11 {
		t.Fatalf("found only %d example folders: %v", len(dirs), dirs)
	}
	for _, dir := range dirs {
		rel, _ := filepath.Rel("../../examples", dir)
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			tf := acctest.NewCLI(t)
			// The folder with its subfolders (the quickstart's local module), as .tf files.
			copyExample(t, dir, tf.Dir)
			// Resource and data-source examples leave the provider set-up to examples/provider, as the docs show.
			if !strings.HasPrefix(rel, "provider") && !strings.HasPrefix(rel, "quickstart") {
				copyExample(t, "../../examples/provider", tf.Dir)
			}
			// terraform get installs local modules only, offline, and leaves providers to dev_overrides.
			for _, args := range [][]string{{"fmt", "-check", "-diff", "-recursive"}, {"get", "-no-color"}, {"validate", "-no-color"}} {
				if run := tf.Run(args...); !run.OK() {
					t.Errorf("in examples/%s: %s", rel, run)
				}
			}
		})
	}
}

// The configurations users copy read the mapping after the mappings: the mapping example, and the quickstart's
// customer module with mappings made outside it (read_mapping_after). Each is applied as a user does: the
// customer's objects first (for the mapping example, by the team's own script: the example maps a source account
// it does not make), the SMB user authorises Xero, then the mappings, after which the read-back already reports
// them connected.
func TestAccBankFeedMappingDataSource_examplesReadAfterMappings(t *testing.T) {
	t.Parallel()
	example := acctest.Example(t, "resources/codat_bank_feed_account_mapping/resource.tf")
	module := acctest.Example(t, "quickstart/customer/main.tf")
	const quickstartRoot = `
module "customer" {
  source = "./customer"
  key    = "acme"
  name   = "Acme Bakery Ltd"
  accounts = {
    current = { type = "checking", number = "12345678", balance = 1520.35 }
    savings = { type = "savings", number = "12345679", balance = 10000 }
  }
  read_mapping_after = [codat_bank_feed_account_mapping.account]
}

resource "codat_bank_feed_account_mapping" "account" {
  for_each          = toset(["acme-current", "acme-savings"])
  company_id        = module.customer.company_id
  connection_id     = module.customer.connection_id
  source_account_id = each.key
}

output "acme_feeds" {
  value = { for a in module.customer.mapping.accounts : a.source_account_id => a.status }
}
`
	for _, tc := range []struct {
		name, config string
		// customer makes the customer's objects, authorised by the SMB user, before the apply of the mappings.
		customer func(t *testing.T, env *acctest.Env, tf *acctest.CLI)
		want     map[string]string
	}{
		{"mapping example", example, func(t *testing.T, env *acctest.Env, tf *acctest.CLI) {
			sortCode := "040004"
			companyID, _ := env.ScriptedCompany(t, "Acme Bakery Ltd", codat.SourceAccount{
				ID: "acme-current-001", AccountName: "Acme Current Account", AccountType: "checking",
				AccountNumber: "12345678", SortCode: &sortCode, Currency: "GBP", Balance: "1520.35"})
			vars := fmt.Sprintf("company_id = %q\n", companyID)
			if err := os.WriteFile(filepath.Join(tf.Dir, "terraform.tfvars"), []byte(vars), 0o600); err != nil {
				t.Fatal(err)
			}
		}, map[string]string{"acme-current-001": "connected"}},
		{"quickstart module", quickstartRoot, func(t *testing.T, env *acctest.Env, tf *acctest.CLI) {
			dir := filepath.Join(tf.Dir, "customer")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(module), 0o600); err != nil {
				t.Fatal(err)
			}
			if run := tf.Run("get", "-no-color"); !run.OK() {
				t.Fatalf("terraform get: %s", run)
			}
			if run := tf.Apply("-target=module.customer.codat_bank_feed_account.account"); !run.OK() {
				t.Fatalf("apply of the customer's objects: %s", run)
			}
			env.AuthorizeOnlyConnection(t)
		}, map[string]string{"acme-current": "connected", "acme-savings": "connected"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t, func(o *sandbox.Options) { o.MappingDelay = 300 * time.Millisecond })
			tf := acctest.NewCLI(t)
			tf.WriteConfig(cliProviderConfig(env) + tc.config)
			tc.customer(t, env, tf)
			if run := tf.Apply(); !run.OK() {
				t.Fatalf("apply of the mappings: %s", run)
			}
			var got map[string]string
			tf.Output("acme_feeds", &got)
			if !maps.Equal(got, tc.want) {
				t.Errorf("after the apply that made the mappings the read-back reports %v, want %v", got, tc.want)
			}
			if empty, run := tf.PlanIsEmpty(); !empty {
				t.Errorf("the plan after apply is not empty: %s", run)
			}
			if run := tf.Destroy(); !run.OK() {
				t.Fatalf("destroy: %s", run)
			}
		})
	}
}
