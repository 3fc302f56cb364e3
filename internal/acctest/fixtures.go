package acctest

// Configurations and objects that tests of more than one package start from.

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// CompanyAndConnection is a company "test" and its Xero connection "test".
const CompanyAndConnection = `
resource "codat_company" "test" {
  name = "Accounts test"
}

resource "codat_connection" "test" {
  company_id = codat_company.test.id
}
`

// AccountConfig is CompanyAndConnection with one GBP checking account "test" (id acc-001) of the given name, number
// and opening balance, with routing and account information.
func AccountConfig(env *Env, name, number, balance string) string {
	return env.ProviderConfig() + CompanyAndConnection + fmt.Sprintf(`
resource "codat_bank_feed_account" "test" {
  company_id     = codat_company.test.id
  connection_id  = codat_connection.test.id
  account_id     = "acc-001"
  account_name   = %q
  account_type   = "checking"
  account_number = %q
  sort_code      = "040004"
  currency       = "GBP"
  balance        = %s

  routing_info = {
    bank_code = "040004"
    type      = "sortcode"
  }

  account_info = {
    nickname          = "Main"
    account_open_date = "2020-05-06"
    available_balance = 1200.5
  }
}
`, name, number, balance)
}

// ScriptedCompany makes, through Codat's API as a team's own script would, a company with a Xero connection and the
// given source accounts, and has its SMB user authorise the connection.
func (e *Env) ScriptedCompany(t testing.TB, name string, accounts ...codat.SourceAccount) (companyID, connectionID string) {
	t.Helper()
	ctx := context.Background()
	client := e.Client(t)
	company, err := client.CreateCompany(ctx, codat.CompanyRequest{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.CreateConnection(ctx, company.ID, "gbol")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if _, err := client.CreateSourceAccount(ctx, company.ID, conn.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Sandbox.AuthorizeConnection(company.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	return company.ID, conn.ID
}

// ScriptedConnection is a ScriptedCompany with three source accounts: EUR with routing and account information and
// no sort code, GBP savings with account information, and GBP checking whose feed is live and whose balance pushed
// bank transactions moved.
func (e *Env) ScriptedConnection(t testing.TB) (companyID, connectionID string) {
	t.Helper()
	sortCode := "040004"
	companyID, connectionID = e.ScriptedCompany(t, "Scripted Customer Ltd",
		// Created out of order: the data source lists them by id.
		codat.SourceAccount{ID: "gbp-2", AccountName: "Current", AccountType: "checking", AccountNumber: "12345678",
			SortCode: &sortCode, Currency: "GBP", Balance: "1234.56"},
		codat.SourceAccount{ID: "eur-1", AccountName: "Euro", AccountType: "checking", AccountNumber: "DE89370400440532013000",
			Currency: "EUR", Balance: "0", RoutingInfo: &codat.RoutingInfo{BankCode: "DEUTDEFF", Type: "swift"},
			AccountInfo: &codat.AccountInfo{Description: "Euro collections", AvailableBalance: "120.50"}},
		codat.SourceAccount{ID: "gbp-1", AccountName: "Savings", AccountType: "savings", AccountNumber: "87654321",
			SortCode: &sortCode, Currency: "GBP", Balance: "10.50",
			AccountInfo: &codat.AccountInfo{Nickname: "Rainy day", AccountOpenDate: "2021-03-01"}})
	if err := e.Sandbox.MapAccount(companyID, connectionID, "gbp-2", "", time.Now().AddDate(0, 0, -7)); err != nil {
		t.Fatal(err)
	}
	e.PushTransactions(t, companyID, connectionID, "gbp-2", map[string]any{"id": "t1",
		"date": time.Now().UTC().Format("2006-01-02"), "description": "Invoice 17", "amount": 1495.44, "balance": 2730,
		"transactionType": "Credit"})
	return companyID, connectionID
}
