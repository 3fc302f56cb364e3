package provider_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

var datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// accountVariants are configurations the resource accepts, one source account each (attributes besides the
// ids), covering every optional attribute set, unset and at its edges.
var accountVariants = map[string]acctest.Account{
	"minimal":              {Name: "Dollar account", Type: "savings", Number: "1001", Currency: "USD", Balance: "0"},
	"gbp_trailing_zero":    {Name: "Sterling", Type: "checking", Number: "12345678", SortCode: "040004", Currency: "GBP", Balance: "10.50"},
	"routing_default_type": {Name: "US checking", Type: "checking", Number: "2002", Currency: "USD", Balance: "1", Extra: `routing_info = { bank_code = "021001088" }`},
	"routing_typed":        {Name: "Euro account", Type: "checking", Number: "DE89370400440532013000", Currency: "EUR", Balance: "2", Extra: `routing_info = { bank_code = "COBADEFFXXX", type = "swift" }`},
	"info_nickname":        {Name: "Main", Type: "prepaidCard", Number: "3003", Currency: "AUD", Balance: "3", Extra: `account_info = { nickname = "Main" }`},
	"info_full": {Name: "Payroll", Type: "loan", Number: "4004", Currency: "NZD", Balance: "-75.25", Extra: `
  account_info = {
    description       = "Payroll account"
    nickname          = "Pay"
    account_open_date = "2020-05-06"
    available_balance = 1200.50
  }
`},
	"info_available_balance_zero": {Name: "Card", Type: "creditCard", Number: "5005", Currency: "CAD", Balance: "-0.01", Extra: `account_info = { available_balance = 0 }`},
	"info_open_date_only":         {Name: "New currency", Type: "savings", Number: "6006", Currency: "XCG", Balance: "12345678901234.56", Extra: `account_info = { account_open_date = "2025-03-31" }`},
}

func variantsConfig(env *acctest.Env, variants map[string]acctest.Account) string {
	config := env.ProviderConfig() + acctest.CompanyAndConnection
	for _, name := range slices.Sorted(maps.Keys(variants)) {
		a := variants[name]
		a.Resource, a.ID = name, "acc-"+strings.ReplaceAll(name, "_", "-")
		config += a.HCL()
	}
	return config
}

// importSteps import every variant by an import block into the plan of the same configuration, which must be
// empty: no change, no replacement.
func importSteps(variants map[string]acctest.Account) []resource.TestStep {
	var steps []resource.TestStep
	for name := range variants {
		steps = append(steps, resource.TestStep{
			ResourceName:    "codat_bank_feed_account." + name,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
		})
	}
	return steps
}

// Every configuration the resource accepts creates into an empty plan and imports into an empty plan.
func TestAccBankFeedAccountResource_importsEveryVariant(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	config := variantsConfig(env, accountVariants)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: append([]resource.TestStep{{
			Config:           config,
			ConfigPlanChecks: acctest.Converges(),
		}}, importSteps(accountVariants)...),
	})
}

// The v1 variants, against a client integrated before 2024-08-01; a v2 account type is free text there too.
func TestAccBankFeedAccountResource_importsEveryV1Variant(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, integratedBeforeV2)
	variants := map[string]acctest.Account{
		"debit":   {Name: "Current", Type: "Debit", Number: "12345670", SortCode: "123456", Currency: "GBP", Balance: "99.90"},
		"credit":  {Name: "Card", Type: "Credit", Number: "5500", Currency: "EUR", Balance: "0"},
		"v2_type": {Name: "Savings", Type: "savings", Number: "7007", Currency: "USD", Balance: "5"},
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: append([]resource.TestStep{{
			Config:           variantsConfig(env, variants),
			ConfigPlanChecks: acctest.Converges(),
		}}, importSteps(variants)...),
	})
}

// Values the resource cannot keep as written fail at plan time, name the attribute, and cost no API call: an
// empty account_info or an empty text (Codat cannot tell them from no value, so they would read back as null),
// a code that is not a current ISO 4217 currency, v2-only attributes on a v1 account.
func TestAccBankFeedAccountResource_refusedAtPlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	account := func(attrs string) string {
		return fmt.Sprintf(`
resource "codat_bank_feed_account" "bad" {
  company_id     = "c"
  connection_id  = "x"
  account_id     = "acc"
  account_name   = "A"
  account_number = "1"
  balance        = 1
  %s
}
`, attrs)
	}
	usd := "account_type = \"checking\"\n  currency = \"USD\"\n  "
	expectRefusedAtPlan(t, env, map[string]badInput{
		"empty account_info":        {account(usd + `account_info = {}`), []string{`account_info`, `set at least one`, `or leave account_info out`}},
		"all-null account_info":     {account(usd + `account_info = { description = null, nickname = null }`), []string{`account_info`, `set at least one`}},
		"empty description":         {account(usd + `account_info = { nickname = "Main", description = "" }`), []string{`account_info.description`, `must not be empty`}},
		"empty nickname":            {account(usd + `account_info = { nickname = "" }`), []string{`account_info.nickname`, `must not be empty`}},
		"blank description":         {account(usd + `account_info = { description = "  " }`), []string{`account_info.description`, `must not be empty`}},
		"empty bank code":           {account(usd + `routing_info = { bank_code = "" }`), []string{`routing_info.bank_code`}},
		"withdrawn ZWL":             {account("account_type = \"checking\"\n  currency = \"ZWL\""), []string{`currency`, `"ZWL" was withdrawn`, `ZWG`}},
		"withdrawn CUC":             {account("account_type = \"checking\"\n  currency = \"CUC\""), []string{`currency`, `"CUC" was withdrawn`, `CUP`}},
		"withdrawn ANG":             {account("account_type = \"checking\"\n  currency = \"ANG\""), []string{`currency`, `"ANG" was withdrawn`, `XCG`}},
		"withdrawn BGN":             {account("account_type = \"checking\"\n  currency = \"BGN\""), []string{`currency`, `"BGN" was withdrawn`, `EUR`}},
		"fund BOV":                  {account("account_type = \"checking\"\n  currency = \"BOV\""), []string{`currency`, `"BOV" is an ISO 4217 fund`}},
		"metal XAU":                 {account("account_type = \"checking\"\n  currency = \"XAU\""), []string{`currency`, `"XAU" is the ISO 4217 code of a precious metal`}},
		"testing XTS":               {account("account_type = \"checking\"\n  currency = \"XTS\""), []string{`currency`, `"XTS" is`}},
		"no currency XXX":           {account("account_type = \"checking\"\n  currency = \"XXX\""), []string{`currency`, `"XXX" is`}},
		"lower case":                {account("account_type = \"checking\"\n  currency = \"gbp\""), []string{`currency`, `upper case`, `GBP`}},
		"unknown code":              {account("account_type = \"checking\"\n  currency = \"GBX\""), []string{`currency`, `not a current ISO 4217 currency code`}},
		"v1 type with routing_info": {account("account_type = \"Debit\"\n  currency = \"USD\"\n  routing_info = { bank_code = \"1\" }"), []string{`routing_info`, `"Debit" is a type of Codat's v1`}},
		"v1 type with account_info": {account("account_type = \"Credit\"\n  currency = \"USD\"\n  account_info = { nickname = \"n\" }"), []string{`account_info`, `"Credit" is a type of Codat's v1`}},
		"v1 type in lower case":     {account("account_type = \"debit\"\n  currency = \"USD\""), []string{`account_type`, `value must be one of`}},
		"unknown v2 type":           {account("account_type = \"current\"\n  currency = \"USD\""), []string{`account_type`, `value must be one of`}},
		"empty routing type":        {account(usd + `routing_info = { bank_code = "1", type = "" }`), []string{`routing_info.type`, `value must be one of`}},
	})
}
