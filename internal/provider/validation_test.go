package provider_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

// Every documented rule fails at plan time, names the attribute and the rule, and costs no API call.
func TestAccValidation_badInputFailsAtPlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	today := time.Now().UTC()
	elevenTags := make([]string, 11)
	for i := range elevenTags {
		elevenTags[i] = fmt.Sprintf("k%d = \"v\"", i)
	}

	company := func(attrs string) string { return acctest.Company("bad", attrs) }
	account := func(override string) string {
		attrs := map[string]string{
			"company_id": strconv.Quote(acctest.TestCompanyID), "connection_id": strconv.Quote(acctest.TestConnectionID), "account_id": `"acc"`, "account_name": `"A"`,
			"account_type": `"checking"`, "account_number": `"1"`, "sort_code": `"040004"`, "currency": `"GBP"`, "balance": `1`,
		}
		k, v, _ := strings.Cut(override, "=")
		if k, v = strings.TrimSpace(k), strings.TrimSpace(v); v == "null" {
			delete(attrs, k)
		} else {
			attrs[k] = v
		}
		var b strings.Builder
		b.WriteString("resource \"codat_bank_feed_account\" \"bad\" {\n")
		for k, v := range attrs {
			fmt.Fprintf(&b, "  %s = %s\n", k, v)
		}
		b.WriteString("}\n")
		return b.String()
	}
	mapping := func(feedStart string) string {
		return fmt.Sprintf(`resource "codat_bank_feed_account_mapping" "bad" {
  company_id        = %q
  connection_id     = %q
  source_account_id = "acc"
  feed_start_date   = %q
}
`, acctest.TestCompanyID, acctest.TestConnectionID, feedStart)
	}
	date := func(d time.Time) string { return d.Format("2006-01-02") }

	cases := map[string]badInput{
		"company name with characters Codat strips": {company(`name = "Bank <Dave>"`), []string{`name`, `may contain only letters`}},
		"company name empty":                        {company(`name = ""`), []string{`name`, `may contain only letters`}},
		"company description empty":                 {company("name = \"A\"\ndescription = \"\""), []string{`description`, `must not be blank`}},
		"eleven tags":                               {company("name = \"A\"\ntags = {" + strings.Join(elevenTags, ", ") + "}"), []string{`tags`, `at most 10`}},
		"tag key too long":                          {company("name = \"A\"\ntags = {" + strings.Repeat("k", 28) + ` = "v"}`), []string{`tags`, `between 1 and 27`}},
		"tag value too long":                        {company("name = \"A\"\ntags = {k = \"" + strings.Repeat("v", 101) + `"}`), []string{`tags`, `at most 100`}},
		"tags not a map":                            {company("name = \"A\"\ntags = \"crm\""), []string{`tags`, `map of string required`}},
		"product identifier":                        {company("name = \"A\"\nproducts = [\"Bank Feeds\"]"), []string{`products`, `bank-feeds`}},
		"connection company id empty":               {"resource \"codat_connection\" \"bad\" {\n  company_id = \"\"\n}\n", []string{`company_id`, `must not be empty`}},
		"platform key upper case":                   {"resource \"codat_connection\" \"bad\" {\n  company_id = \"" + acctest.TestCompanyID + "\"\n  platform_key = \"GBOL\"\n}\n", []string{`platform_key`, `four lowercase letters`}},
		"platform key too long":                     {"resource \"codat_connection\" \"bad\" {\n  company_id = \"" + acctest.TestCompanyID + "\"\n  platform_key = \"xeros\"\n}\n", []string{`platform_key`, `four lowercase letters`}},
		"account type":                              {account(`account_type = "current"`), []string{`account_type`, `value must be one of`}},
		"currency not ISO 4217":                     {account(`currency = "GBX"`), []string{`currency`, `not a current ISO 4217 currency code`}},
		"GBP without sort code":                     {account(`sort_code = null`), []string{`sort_code`, `required when currency is "GBP"`}},
		"account id with a slash":                   {account(`account_id = "a/b"`), []string{`account_id`, `must not contain a slash`}},
		"account id empty":                          {account(`account_id = ""`), []string{`account_id`, `must not be empty`}},
		"account name empty":                        {account(`account_name = ""`), []string{`account_name`, `length must be at least 1`}},
		"account number missing":                    {account(`account_number = null`), []string{`account_number`, `is required`}},
		"balance not a number":                      {account(`balance = "lots"`), []string{`balance`, `number is required`}},
		"routing type":                              {account(`routing_info = { bank_code = "1", type = "zip" }`), []string{`routing_info.type`, `value must be one of`}},
		"account open date":                         {account(`account_info = { account_open_date = "06/05/2020" }`), []string{`account_info.account_open_date must be a valid date`, `YYYY-MM-DD`}},
		"feed start date not a date":                {mapping("2024-13-01"), []string{`feed_start_date`, `YYYY-MM-DD`}},
		"feed start date too old":                   {mapping(date(today.AddDate(-1, 0, -2))), []string{`feed_start_date`, `at most one year back`}},
		"integration platform key":                  {"data \"codat_integration\" \"bad\" {\n  platform_key = \"XERO\"\n}\n", []string{`platform_key`, `four lowercase letters`}},
		"connection lookup without id or platform":  {"data \"codat_connection\" \"bad\" {\n  company_id = \"" + acctest.TestCompanyID + "\"\n}\n", []string{`Missing Attribute Configuration`, `Exactly one of these attributes must be configured: \[id,platform_key\]`}},
	}
	expectRefusedAtPlan(t, env, cases)
}
