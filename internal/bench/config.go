package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/terraform-codat/terraform-provider-codat/examples"
)

// Shape is one way of writing the same set-up in Terraform: per customer a company, its Xero connection, two
// source accounts and a read of the connection's mapping. Each shape comes as a Codat configuration and as a
// stand-in configuration with the same graph made of the built-in terraform_data resource (which Terraform runs
// in-process, with no API behind it), so the stand-in measures what Terraform itself spends on the graph.
type Shape struct {
	// Name identifies the shape on the command line and in the report.
	Name string
	// Description says how the configuration is written.
	Description string
	// files maps file names to contents for the Codat configuration and for the stand-in.
	codat, standIn map[string]string
}

// needsModules reports whether Terraform must install local modules (terraform get) before running.
func (s Shape) needsModules() bool {
	_, ok := s.codat["customer/main.tf"]
	return ok
}

// Shapes are the configuration shapes the bench knows, recommended one first.
var Shapes = []Shape{moduleShape, flatShape, indexedShape}

// ShapeByName finds a shape.
func ShapeByName(name string) (Shape, error) {
	for _, s := range Shapes {
		if s.Name == name {
			return s, nil
		}
	}
	return Shape{}, fmt.Errorf("no configuration shape %q (have %s)", name, shapeNames())
}

func shapeNames() string {
	var names []string
	for _, s := range Shapes {
		names = append(names, s.Name)
	}
	b, _ := json.Marshal(names)
	return string(b)
}

// customer is one entry of customers.json, which every configuration reads into local.customers.
type customer struct {
	Name     string             `json:"name"`
	Accounts map[string]account `json:"accounts"`
}

type account struct {
	Type    string  `json:"type"`
	Number  string  `json:"number"`
	Balance float64 `json:"balance"`
}

// customerKey names customer i (from 1) so that keys sort in creation order.
func customerKey(i int) string { return fmt.Sprintf("c%04d", i) }

// customersFrom is n customers numbered from first: the share of one state when customers are split over several.
func customersFrom(first, n int) map[string]customer {
	out := make(map[string]customer, n)
	for i := first; i < first+n; i++ {
		out[customerKey(i)] = customer{
			Name: fmt.Sprintf("Customer %04d Ltd", i),
			Accounts: map[string]account{
				"current": {Type: "checking", Number: fmt.Sprintf("%08d", 10000000+2*i), Balance: float64(i) + 0.25},
				"savings": {Type: "savings", Number: fmt.Sprintf("%08d", 10000001+2*i), Balance: float64(10 * i)},
			},
		}
	}
	return out
}

// writeConfig writes the shape's Codat or stand-in configuration for n customers into dir.
func writeConfig(dir string, s Shape, standIn bool, n int) error {
	return writeConfigFrom(dir, s, standIn, 1, n)
}

// writeConfigFrom is writeConfig for the customers numbered first to first+n-1.
func writeConfigFrom(dir string, s Shape, standIn bool, first, n int) error {
	files := s.codat
	if standIn {
		files = s.standIn
	}
	data, err := json.MarshalIndent(customersFrom(first, n), "", "  ")
	if err != nil {
		return err
	}
	all := map[string]string{"customers.json": string(data) + "\n"}
	for name, body := range files {
		all[name] = body
	}
	for name, body := range all {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

const codatTerraformBlock = `terraform {
  required_providers {
    codat = {
      source = "terraform-codat/codat"
    }
  }
}
`

// flatLocals and flatAccount are what the flat shape and its stand-in share: the customers with their accounts
// flattened to "<customer>/<account>" keys, and a source account's attributes.
const (
	flatLocals = `
locals {
  customers = jsondecode(file("${path.module}/customers.json"))
  accounts = merge([
    for customer, c in local.customers : {
      for account, a in c.accounts : "${customer}/${account}" => merge(a, { customer = customer, account = account })
    }
  ]...)
}
`
	flatAccount = `  account_id     = "${each.value.customer}-${each.value.account}"
  account_name   = "${local.customers[each.value.customer].name} ${title(each.value.account)}"
  account_type   = each.value.type
  account_number = each.value.number
  sort_code      = "040004"
  currency       = "GBP"
  balance        = each.value.balance
`
)

// flatShape is the quickstart as it was first written: every resource has for_each over the customers (or
// their accounts) at the root, and children find their parent with an index expression such as
// codat_company.customer[each.key].id.
var flatShape = Shape{
	Name: "flat",
	Description: "`for_each` on every resource at the root; children reference their parent as " +
		"`codat_company.customer[each.key].id`",
	codat: map[string]string{"main.tf": codatTerraformBlock + `
provider "codat" {}
` + flatLocals + `
resource "codat_company" "customer" {
  for_each    = local.customers
  name        = each.value.name
  description = "Benchmark customer ${each.key}"
  tags        = { customer = each.key }
}

resource "codat_connection" "xero" {
  for_each   = local.customers
  company_id = codat_company.customer[each.key].id
}

resource "codat_bank_feed_account" "account" {
  for_each       = local.accounts
  company_id     = codat_company.customer[each.value.customer].id
  connection_id  = codat_connection.xero[each.value.customer].id
` + flatAccount + `}

data "codat_bank_feed_mapping" "customer" {
  for_each      = local.customers
  company_id    = codat_company.customer[each.key].id
  connection_id = codat_connection.xero[each.key].id
  depends_on    = [codat_bank_feed_account.account]
}

check "bank_feeds_connected" {
  assert {
    condition     = alltrue([for m in data.codat_bank_feed_mapping.customer : m.all_connected])
    error_message = "Not every customer has connected all bank accounts yet."
  }
}

output "customers" {
  value = {
    for k, m in data.codat_bank_feed_mapping.customer : k => {
      link_url  = m.link_url
      connected = "${m.connected_count}/${m.connected_count + m.pending_count}"
    }
  }
}
`},
	standIn: map[string]string{"main.tf": flatLocals + `
resource "terraform_data" "company" {
  for_each = local.customers
  input = {
    name        = each.value.name
    description = "Benchmark customer ${each.key}"
    tags        = { customer = each.key }
  }
}

resource "terraform_data" "connection" {
  for_each = local.customers
  input = {
    company_id   = terraform_data.company[each.key].id
    platform_key = "gbol"
  }
}

resource "terraform_data" "account" {
  for_each = local.accounts
  input = {
    company_id     = terraform_data.company[each.value.customer].id
    connection_id  = terraform_data.connection[each.value.customer].id
` + flatAccount + `  }
}

resource "terraform_data" "mapping" {
  for_each = local.customers
  input = {
    company_id    = terraform_data.company[each.key].id
    connection_id = terraform_data.connection[each.key].id
  }
  depends_on = [terraform_data.account]
}

check "bank_feeds_connected" {
  assert {
    condition     = alltrue([for m in terraform_data.mapping : m.output.connection_id == ""])
    error_message = "Not every customer has connected all bank accounts yet."
  }
}

output "customers" {
  value = {
    for k, m in terraform_data.mapping : k => {
      link_url  = m.output.connection_id
      connected = m.id
    }
  }
}
`},
}

// moduleMain is the module shape's root configuration but for the provider: one module call over the customers, the
// check and the output of examples/quickstart.
const moduleMain = `
locals {
  customers = jsondecode(file("${path.module}/customers.json"))
}

module "customer" {
  source   = "./customer"
  for_each = local.customers
  key      = each.key
  name     = each.value.name
  accounts = each.value.accounts
}

check "bank_feeds_connected" {
  assert {
    condition     = alltrue([for c in module.customer : c.mapping.all_connected])
    error_message = "Not every customer has connected all bank accounts yet."
  }
}

output "customers" {
  value = {
    for k, c in module.customer : k => {
      link_url  = c.mapping.link_url
      connected = "${c.mapping.connected_count}/${c.mapping.connected_count + c.mapping.pending_count}"
    }
  }
}
`

// standInOf is moduleMain as its stand-in reads it: a customer's mapping is a terraform_data whose output and id
// stand for the mapping data source's attributes.
func standInOf(main string) string {
	return strings.NewReplacer(
		"c.mapping.all_connected", `c.mapping.output.connection_id == ""`,
		"c.mapping.link_url", "c.mapping.output.connection_id",
		`"${c.mapping.connected_count}/${c.mapping.connected_count + c.mapping.pending_count}"`, "c.mapping.id",
	).Replace(main)
}

// moduleShape puts one customer's objects in a module and calls it with for_each over the customers. Inside a
// module instance every reference names a single object (codat_company.this.id), so evaluating it reads one
// object, not every customer's.
var moduleShape = Shape{
	Name: "module",
	Description: "One module call with `for_each` over the customers, as in `examples/quickstart`; inside the " +
		"module each object is single (`codat_company.this.id`) and only the accounts use `for_each`",
	codat: map[string]string{
		"main.tf": codatTerraformBlock + "\nprovider \"codat\" {}\n" + moduleMain,
		// The bench measures the quickstart's own customer module.
		"customer/main.tf": examples.QuickstartCustomerModule,
	},
	standIn: map[string]string{
		"main.tf": standInOf(moduleMain),
		"customer/main.tf": `
variable "key" {
  type = string
}

variable "name" {
  type = string
}

variable "accounts" {
  type = map(object({ type = string, number = string, balance = number }))
}

resource "terraform_data" "company" {
  input = {
    name        = var.name
    description = "Benchmark customer ${var.key}"
    tags        = { customer = var.key }
  }
}

resource "terraform_data" "connection" {
  input = {
    company_id   = terraform_data.company.id
    platform_key = "gbol"
  }
}

resource "terraform_data" "account" {
  for_each = var.accounts
  input = {
    company_id     = terraform_data.company.id
    connection_id  = terraform_data.connection.id
    account_id     = "${var.key}-${each.key}"
    account_name   = "${var.name} ${title(each.key)}"
    account_type   = each.value.type
    account_number = each.value.number
    sort_code      = "040004"
    currency       = "GBP"
    balance        = each.value.balance
  }
}

resource "terraform_data" "mapping" {
  input = {
    company_id    = terraform_data.company.id
    connection_id = terraform_data.connection.id
  }
  depends_on = [terraform_data.account]
}

output "mapping" {
  value = terraform_data.mapping
}
`,
	},
}

// indexedShape is the flat shape with the parents' ids gathered once into local maps, which the children index.
var indexedShape = Shape{
	Name: "indexed",
	Description: "The `flat` shape, but children find their parent's id in a local map built once " +
		"(`local.company_ids[each.key]`) instead of indexing the parent resource",
	codat:   map[string]string{"main.tf": indexed(flatShape.codat["main.tf"], "codat_company.customer", "codat_connection.xero")},
	standIn: map[string]string{"main.tf": indexed(flatShape.standIn["main.tf"], "terraform_data.company", "terraform_data.connection")},
}

// indexed rewrites a flat configuration so that children read their parents' ids from local maps.
func indexed(hcl, company, connection string) string {
	hcl = strings.Replace(hcl, "locals {\n", "locals {\n  company_ids    = { for k, c in "+company+" : k => c.id }\n"+
		"  connection_ids = { for k, c in "+connection+" : k => c.id }\n", 1)
	for _, r := range []struct{ from, to string }{
		{company + "[each.key].id", "local.company_ids[each.key]"},
		{company + "[each.value.customer].id", "local.company_ids[each.value.customer]"},
		{connection + "[each.key].id", "local.connection_ids[each.key]"},
		{connection + "[each.value.customer].id", "local.connection_ids[each.value.customer]"},
	} {
		hcl = strings.ReplaceAll(hcl, r.from, r.to)
	}
	return hcl
}
