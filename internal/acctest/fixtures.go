package acctest

// Configurations and objects that tests of more than one package start from.

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// CompanyAndConnection is a company "test" and its Xero connection "test".
var CompanyAndConnection = CompanyWithConnection("test", "test", "Accounts test")

// Company is a codat_company of the given resource name, with the given attribute lines (HCL).
func Company(resource string, attrs ...string) string {
	return fmt.Sprintf("\nresource \"codat_company\" %q {\n%s\n}\n", resource, strings.Join(attrs, "\n"))
}

// CompanyWithConnection is a codat_company of the given resource name and company name, and its Xero
// codat_connection of the given resource name.
func CompanyWithConnection(company, connection, name string) string {
	return Company(company, fmt.Sprintf("name = %q", name)) + fmt.Sprintf(`
resource "codat_connection" %q {
  company_id = codat_company.%s.id
}
`, connection, company)
}

// Account is a codat_bank_feed_account of a test configuration, on the company and connection named Parent
// ("test", CompanyAndConnection's, when empty).
type Account struct {
	Resource               string // the resource's name
	Parent                 string
	ID, Name, Type, Number string
	SortCode, Currency     string // no sort_code when empty
	Balance                string // an HCL number
	Extra                  string // more attribute lines, as HCL (a last newline is added when missing)
}

// HCL is the account's resource block.
func (a Account) HCL() string {
	parent := cmp.Or(a.Parent, "test")
	var b strings.Builder
	fmt.Fprintf(&b, "\nresource \"codat_bank_feed_account\" %q {\n", a.Resource)
	fmt.Fprintf(&b, "  company_id     = codat_company.%s.id\n  connection_id  = codat_connection.%s.id\n", parent, parent)
	fmt.Fprintf(&b, "  account_id     = %q\n  account_name   = %q\n  account_type   = %q\n  account_number = %q\n",
		a.ID, a.Name, a.Type, a.Number)
	if a.SortCode != "" {
		fmt.Fprintf(&b, "  sort_code      = %q\n", a.SortCode)
	}
	fmt.Fprintf(&b, "  currency       = %q\n  balance        = %s\n", a.Currency, a.Balance)
	if a.Extra != "" {
		b.WriteString(strings.TrimSuffix(a.Extra, "\n") + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// MappingRead is a codat_bank_feed_mapping "test" of CompanyAndConnection's connection, read after the resources
// named.
func MappingRead(dependsOn ...string) string {
	deps := ""
	if len(dependsOn) > 0 {
		deps = "  depends_on    = [" + strings.Join(dependsOn, ", ") + "]\n"
	}
	return "\ndata \"codat_bank_feed_mapping\" \"test\" {\n  company_id    = codat_company.test.id\n" +
		"  connection_id = codat_connection.test.id\n" + deps + "}\n"
}

// Mapping is a codat_bank_feed_account_mapping of CompanyAndConnection's codat_bank_feed_account named account,
// itself named account, with more attribute lines (HCL) in extra.
func Mapping(account, extra string) string {
	return fmt.Sprintf(`
resource "codat_bank_feed_account_mapping" %[1]q {
  company_id        = codat_company.test.id
  connection_id     = codat_connection.test.id
  source_account_id = codat_bank_feed_account.%[1]s.account_id
%[2]s}
`, account, extra)
}

// AccountConfig is CompanyAndConnection with one GBP checking account "test" (id acc-001) of the given name, number
// and opening balance, with routing and account information.
func AccountConfig(env *Env, name, number, balance string) string {
	return env.ProviderConfig() + CompanyAndConnection + Account{Resource: "test", ID: "acc-001", Name: name, Type: "checking",
		Number: number, SortCode: "040004", Currency: "GBP", Balance: balance, Extra: `
  routing_info = {
    bank_code = "040004"
    type      = "sortcode"
  }

  account_info = {
    nickname          = "Main"
    account_open_date = "2020-05-06"
    available_balance = 1200.5
  }
`}.HCL()
}

// Example is the text of the file at path in examples/ (say "provider/provider.tf"), for the tests of a package in
// internal/, which run in the package's folder.
func Example(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
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
