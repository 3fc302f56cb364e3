package provider_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

var datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// accountVariants are configurations the resource accepts, one source account each (attributes besides the
// ids), covering every optional attribute set, unset and at its edges.
var accountVariants = map[string]string{
	"minimal": `account_name = "Dollar account"
  account_type = "savings"
  account_number = "1001"
  currency = "USD"
  balance = 0`,
	"gbp_trailing_zero": `account_name = "Sterling"
  account_type = "checking"
  account_number = "12345678"
  sort_code = "040004"
  currency = "GBP"
  balance = 10.50`,
	"routing_default_type": `account_name = "US checking"
  account_type = "checking"
  account_number = "2002"
  currency = "USD"
  balance = 1
  routing_info = { bank_code = "021001088" }`,
	"routing_typed": `account_name = "Euro account"
  account_type = "checking"
  account_number = "DE89370400440532013000"
  currency = "EUR"
  balance = 2
  routing_info = { bank_code = "COBADEFFXXX", type = "swift" }`,
	"info_nickname": `account_name = "Main"
  account_type = "prepaidCard"
  account_number = "3003"
  currency = "AUD"
  balance = 3
  account_info = { nickname = "Main" }`,
	"info_full": `account_name = "Payroll"
  account_type = "loan"
  account_number = "4004"
  currency = "NZD"
  balance = -75.25
  account_info = {
    description       = "Payroll account"
    nickname          = "Pay"
    account_open_date = "2020-05-06"
    available_balance = 1200.50
  }`,
	"info_available_balance_zero": `account_name = "Card"
  account_type = "creditCard"
  account_number = "5005"
  currency = "CAD"
  balance = -0.01
  account_info = { available_balance = 0 }`,
	"info_open_date_only": `account_name = "New currency"
  account_type = "savings"
  account_number = "6006"
  currency = "XCG"
  balance = 12345678901234.56
  account_info = { account_open_date = "2025-03-31" }`,
}

func variantsConfig(env *acctest.Env, variants map[string]string) string {
	names := make([]string, 0, len(variants))
	for name := range variants {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(env.ProviderConfig() + acctest.CompanyAndConnection)
	for _, name := range names {
		fmt.Fprintf(&b, `
resource "codat_bank_feed_account" %q {
  company_id    = codat_company.test.id
  connection_id = codat_connection.test.id
  account_id    = %q
  %s
}
`, name, "acc-"+strings.ReplaceAll(name, "_", "-"), variants[name])
	}
	return b.String()
}

// importSteps import every variant by an import block into the plan of the same configuration, which must be
// empty: no change, no replacement.
func importSteps(variants map[string]string) []resource.TestStep {
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
	variants := map[string]string{
		"debit": `account_name = "Current"
  account_type = "Debit"
  account_number = "12345670"
  sort_code = "123456"
  currency = "GBP"
  balance = 99.90`,
		"credit": `account_name = "Card"
  account_type = "Credit"
  account_number = "5500"
  currency = "EUR"
  balance = 0`,
		"v2_type": `account_name = "Savings"
  account_type = "savings"
  account_number = "7007"
  currency = "USD"
  balance = 5`,
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
