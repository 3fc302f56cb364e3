package codat

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
)

// TestEndpoints checks each method's HTTP method, path, body and decoding against the shapes in Codat's OpenAPI
// files (and, for the legacy integration endpoints, the shapes the provider and the sandbox agree on).
func TestEndpoints(t *testing.T) {
	ptr := func(s string) *string { return &s }
	balance := json.Number("1234.56")
	yes := NewLegacyBool(true)

	sourceAccountJSON := `{"id":"acc-1","accountName":"Current","accountType":"checking","accountNumber":"12345670",
		"sortCode":"040004","routingInfo":{"bankCode":"021001088","type":"bankcode"},"currency":"GBP","balance":1234.56,
		"accountInfo":{"description":"Main","nickname":"Daily","accountOpenDate":"2023-05-06","availableBalance":1000.1},
		"modifiedDate":"2024-08-02T00:00:00Z","status":"pending","feedStartDate":null}`
	sourceAccount := SourceAccount{
		ID: "acc-1", AccountName: "Current", AccountType: "checking", AccountNumber: "12345670",
		SortCode: ptr("040004"), RoutingInfo: &RoutingInfo{BankCode: "021001088", Type: "bankcode"},
		Currency: "GBP", Balance: "1234.56",
		AccountInfo:  &AccountInfo{Description: "Main", Nickname: "Daily", AccountOpenDate: "2023-05-06", AvailableBalance: "1000.1"},
		ModifiedDate: "2024-08-02T00:00:00Z", Status: "pending",
	}
	integrationJSON := `{"key":"gbol","logoUrl":"https://static.codat.io/xero.png","name":"Xero","enabled":true,
		"sourceId":"accounting","sourceType":"Accounting","integrationId":"8193a927-ab7a-45a3-9dc2-d357a4932dfe",
		"isOfflineConnector":false,"isBeta":false,"dataProvidedBy":"Xero","datatypeFeatures":[]}`
	integration := &Integration{Key: "gbol", LogoURL: "https://static.codat.io/xero.png", Name: "Xero", Enabled: true,
		SourceID: "accounting", SourceType: "Accounting", IntegrationID: "8193a927-ab7a-45a3-9dc2-d357a4932dfe", DataProvidedBy: "Xero"}
	connectionJSON := `{"id":"k1","integrationId":"i1","integrationKey":"gbol","sourceId":"accounting","sourceType":"Accounting",
		"platformName":"Xero","linkUrl":"https://link-api.codat.io/companies/c1/connections/k1/start","status":"PendingAuth",
		"created":"2024-01-01T00:00:00Z","lastSync":null,"dataConnectionErrors":null,"connectionInfo":null}`
	connection := Connection{ID: "k1", IntegrationID: "i1", IntegrationKey: "gbol", SourceID: "accounting",
		SourceType: "Accounting", PlatformName: "Xero", LinkURL: "https://link-api.codat.io/companies/c1/connections/k1/start",
		Status: "PendingAuth", Created: "2024-01-01T00:00:00Z"}
	fullCompanyJSON := `{"id":"c1","name":"Acme","description":null,"redirect":"https://link.codat.io/company/c1",
		"created":"2024-01-01T00:00:00Z","lastSync":null,"products":["bank-feeds"],"tags":{"region":"uk"},
		"dataConnections":[` + connectionJSON + `],"ownerUserIds":[],"referenceSubsidiaryCompanies":[]}`
	fullCompany := &Company{ID: "c1", Name: "Acme", Redirect: "https://link.codat.io/company/c1", Created: "2024-01-01T00:00:00Z",
		Products: []string{"bank-feeds"}, Tags: map[string]string{"region": "uk"}, DataConnections: []Connection{connection}}

	tests := map[string]struct {
		call     func(*Client) (any, error)
		method   string
		path     string
		reqBody  string // empty: no body
		status   int
		respBody string
		want     any
	}{
		"create company": {
			call: func(c *Client) (any, error) {
				return c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme", Tags: map[string]string{"region": "uk"}})
			},
			method: "POST", path: "/companies", reqBody: `{"name":"Acme","tags":{"region":"uk"}}`,
			status: 200, respBody: fullCompanyJSON, want: fullCompany,
		},
		"get company": {
			call:   func(c *Client) (any, error) { return c.GetCompany(context.Background(), "c1") },
			method: "GET", path: "/companies/c1", status: 200, respBody: fullCompanyJSON, want: fullCompany,
		},
		"replace company clears omitted fields": {
			call: func(c *Client) (any, error) {
				return c.ReplaceCompany(context.Background(), "c1", CompanyRequest{Name: "Acme"})
			},
			method: "PUT", path: "/companies/c1", reqBody: `{"name":"Acme"}`, status: 200, respBody: fullCompanyJSON, want: fullCompany,
		},
		"delete company": {
			call:   func(c *Client) (any, error) { return nil, c.DeleteCompany(context.Background(), "c1") },
			method: "DELETE", path: "/companies/c1", status: 204,
		},
		"add product": {
			call:   func(c *Client) (any, error) { return nil, c.AddProduct(context.Background(), "c1", "bank-feeds") },
			method: "PUT", path: "/companies/c1/products/bank-feeds", status: 204,
		},
		"remove product": {
			call:   func(c *Client) (any, error) { return nil, c.RemoveProduct(context.Background(), "c1", "bank-feeds") },
			method: "DELETE", path: "/companies/c1/products/bank-feeds", status: 204,
		},
		"identifiers are escaped": {
			call:   func(c *Client) (any, error) { return nil, c.DeleteCompany(context.Background(), "a?b c#d") },
			method: "DELETE", path: "/companies/a%3Fb%20c%23d", status: 204,
		},
		"list connections": {
			call: func(c *Client) (any, error) {
				return c.ListConnections(context.Background(), "c1", ListOptions{})
			},
			method: "GET", path: "/companies/c1/connections", status: 200,
			respBody: `{"results":[` + connectionJSON + `],"pageNumber":1,"pageSize":100,"totalResults":1,"_links":{}}`,
			want:     []Connection{connection},
		},
		"create connection": {
			call: func(c *Client) (any, error) {
				return c.CreateConnection(context.Background(), "c1", "gbol")
			},
			method: "POST", path: "/companies/c1/connections", reqBody: `{"platformKey":"gbol"}`,
			status: 200, respBody: connectionJSON, want: &connection,
		},
		"get connection": {
			call: func(c *Client) (any, error) {
				return c.GetConnection(context.Background(), "c1", "k1")
			},
			method: "GET", path: "/companies/c1/connections/k1", status: 200, respBody: connectionJSON, want: &connection,
		},
		"delete connection": {
			call: func(c *Client) (any, error) {
				return nil, c.DeleteConnection(context.Background(), "c1", "k1")
			},
			method: "DELETE", path: "/companies/c1/connections/k1", status: 200, respBody: connectionJSON,
		},
		"create source account": {
			call: func(c *Client) (any, error) {
				return c.CreateSourceAccount(context.Background(), "c1", "k1", SourceAccount{
					ID: "acc-1", AccountName: "Current", AccountType: "checking", AccountNumber: "12345670",
					SortCode: ptr("040004"), Currency: "GBP", Balance: "1234.56",
					RoutingInfo: &RoutingInfo{BankCode: "021001088", Type: "bankcode"},
					AccountInfo: &AccountInfo{Description: "Main", Nickname: "Daily", AccountOpenDate: "2023-05-06", AvailableBalance: "1000.1"},
				})
			},
			method: "POST", path: "/companies/c1/connections/k1/connectionInfo/bankFeedAccounts",
			reqBody: `{"id":"acc-1","accountName":"Current","accountType":"checking","accountNumber":"12345670",
				"sortCode":"040004","routingInfo":{"bankCode":"021001088","type":"bankcode"},"currency":"GBP","balance":1234.56,
				"accountInfo":{"description":"Main","nickname":"Daily","accountOpenDate":"2023-05-06","availableBalance":1000.1}}`,
			status: 200, respBody: sourceAccountJSON, want: &sourceAccount,
		},
		"list source accounts": {
			call: func(c *Client) (any, error) {
				return c.ListSourceAccounts(context.Background(), "c1", "k1")
			},
			method: "GET", path: "/companies/c1/connections/k1/connectionInfo/bankFeedAccounts",
			status: 200, respBody: `[` + sourceAccountJSON + `]`, want: []SourceAccount{sourceAccount},
		},
		"list no source accounts": {
			call: func(c *Client) (any, error) {
				return c.ListSourceAccounts(context.Background(), "c1", "k1")
			},
			method: "GET", path: "/companies/c1/connections/k1/connectionInfo/bankFeedAccounts",
			status: 200, respBody: `[]`, want: []SourceAccount{},
		},
		"update source account sends only set fields": {
			call: func(c *Client) (any, error) {
				return c.UpdateSourceAccount(context.Background(), "c1", "k1", "acc-1",
					SourceAccountUpdate{AccountName: ptr("Current"), Balance: &balance})
			},
			method: "PATCH", path: "/companies/c1/connections/k1/connectionInfo/bankFeedAccounts/acc-1",
			reqBody: `{"id":"acc-1","accountName":"Current","balance":1234.56}`,
			status:  200, respBody: sourceAccountJSON, want: &sourceAccount,
		},
		"disconnect source account": {
			call: func(c *Client) (any, error) {
				return c.UpdateSourceAccount(context.Background(), "c1", "k1", "acc-1", SourceAccountUpdate{Status: ptr("disconnected")})
			},
			method: "PATCH", path: "/companies/c1/connections/k1/connectionInfo/bankFeedAccounts/acc-1",
			reqBody: `{"id":"acc-1","status":"disconnected"}`,
			status:  200, respBody: sourceAccountJSON, want: &sourceAccount,
		},
		"delete source account": {
			call: func(c *Client) (any, error) {
				return nil, c.DeleteSourceAccount(context.Background(), "c1", "k1", "acc-1")
			},
			method: "DELETE", path: "/companies/c1/connections/k1/connectionInfo/bankFeedAccounts/acc-1", status: 204,
		},
		"get bank account mapping": {
			call: func(c *Client) (any, error) {
				return c.GetBankAccountMapping(context.Background(), "c1", "k1")
			},
			method: "GET", path: "/companies/c1/connections/k1/bankFeedAccounts/mapping", status: 200,
			respBody: `[{"sourceAccountId":"acc-1","sourceAccountName":"Current","sourceAccountNumber":"12345670",
				"sourceBalance":1550.10,"sourceCurrency":"GBP","targetAccountId":null,"status":"pending",
				"targetAccountOptions":[{"id":"x1","name":"Business Account","balance":100.99,"sortCode":"602336","accountNumber":"23203"}],
				"feedStartDate":null}]`,
			want: []BankFeedMapping{{SourceAccountID: "acc-1", SourceAccountName: "Current", SourceAccountNumber: "12345670",
				SourceBalance: "1550.10", SourceCurrency: "GBP", Status: "pending",
				TargetAccountOptions: []TargetAccountOption{{ID: "x1", Name: "Business Account", Balance: "100.99", SortCode: "602336", AccountNumber: "23203"}}}},
		},
		"create bank account mapping to a new account": {
			call: func(c *Client) (any, error) {
				return c.CreateBankAccountMapping(context.Background(), "c1", "k1",
					BankFeedAccountMapping{SourceAccountID: "acc-1", FeedStartDate: "2024-05-01"})
			},
			method: "POST", path: "/companies/c1/connections/k1/bankFeedAccounts/mapping",
			reqBody: `{"sourceAccountId":"acc-1","feedStartDate":"2024-05-01"}`,
			status:  200, respBody: `{"sourceAccountId":"acc-1","targetAccountId":"x9","status":"connecting","error":null}`,
			want: &BankFeedAccountMappingResponse{SourceAccountID: "acc-1", TargetAccountID: "x9", Status: "connecting"},
		},
		"create bank account mapping to an existing account": {
			call: func(c *Client) (any, error) {
				return c.CreateBankAccountMapping(context.Background(), "c1", "k1",
					BankFeedAccountMapping{SourceAccountID: "acc-1", TargetAccountID: ptr("x1")})
			},
			method: "POST", path: "/companies/c1/connections/k1/bankFeedAccounts/mapping",
			reqBody: `{"sourceAccountId":"acc-1","targetAccountId":"x1"}`,
			status:  200, respBody: `{"sourceAccountId":"acc-1","targetAccountId":"x1","status":"Failed","error":"A feed connection already exists to this account"}`,
			want: &BankFeedAccountMappingResponse{SourceAccountID: "acc-1", TargetAccountID: "x1", Status: "Failed",
				Error: "A feed connection already exists to this account"},
		},
		"bank feed company info": {
			call: func(c *Client) (any, error) {
				return c.GetBankFeedCompanyInfo(context.Background(), "c1", "k1")
			},
			method: "GET", path: "/companies/c1/connections/k1/bankFeeds/info", status: 200,
			respBody: `{"companyName":"Acme Ltd","baseCurrency":"GBP","planType":"Standard","multicurrencyEnabled":true,"currencies":["GBP","EUR"]}`,
			want: &CompanyInformation{CompanyName: "Acme Ltd", BaseCurrency: "GBP", PlanType: "Standard",
				MulticurrencyEnabled: true, Currencies: []string{"GBP", "EUR"}},
		},
		"list integrations": {
			call: func(c *Client) (any, error) {
				return c.ListIntegrations(context.Background(), ListOptions{Query: "key=gbol"})
			},
			method: "GET", path: "/integrations", status: 200,
			respBody: `{"results":[` + integrationJSON + `],"pageNumber":1,"pageSize":100,"totalResults":1,"_links":{}}`,
			want:     []Integration{*integration},
		},
		"get integration": {
			call:   func(c *Client) (any, error) { return c.GetIntegration(context.Background(), "gbol") },
			method: "GET", path: "/integrations/gbol", status: 200, respBody: integrationJSON, want: integration,
		},
		"get integration credentials": {
			call: func(c *Client) (any, error) {
				return c.GetIntegrationCredentials(context.Background(), "gbol")
			},
			method: "GET", path: "/integrations/credentials/gbol", status: 200,
			respBody: `{"clientId":"****************ABCD","clientSecret":"****"}`,
			want:     map[string]string{"clientId": "****************ABCD", "clientSecret": "****"},
		},
		"get no integration credentials": {
			call: func(c *Client) (any, error) {
				return c.GetIntegrationCredentials(context.Background(), "gbol")
			},
			method: "GET", path: "/integrations/credentials/gbol", status: 200, respBody: `{}`, want: map[string]string{},
		},
		"put integration credentials": {
			call: func(c *Client) (any, error) {
				return c.PutIntegrationCredentials(context.Background(), "gbol",
					map[string]string{"clientId": "ABCDEFGHABCD", "clientSecret": "s3cr3t-value"})
			},
			method: "PUT", path: "/integrations/credentials/gbol", reqBody: `{"clientId":"ABCDEFGHABCD","clientSecret":"s3cr3t-value"}`,
			status: 200, respBody: `{"clientId":"********ABCD","clientSecret":"********alue"}`,
			want: map[string]string{"clientId": "********ABCD", "clientSecret": "********alue"},
		},
		"delete integration credentials": {
			call: func(c *Client) (any, error) {
				return nil, c.DeleteIntegrationCredentials(context.Background(), "gbol")
			},
			method: "DELETE", path: "/integrations/credentials/gbol", status: 200, respBody: `{}`,
		},
		"disable integration": {
			call: func(c *Client) (any, error) {
				return c.SetIntegrationEnabled(context.Background(), "gbol", false)
			},
			method: "PUT", path: "/integrations/gbol/enabled", reqBody: `{"enabled":false}`,
			status: 200, respBody: integrationJSON, want: integration,
		},
		"get integration settings": {
			call: func(c *Client) (any, error) {
				return c.GetIntegrationSettings(context.Background(), "8193a927")
			},
			method: "GET", path: "/settings/integrations/8193a927", status: 200,
			respBody: `{"integrationId":"8193a927","oneTimeSync":"False"}`,
			want:     &IntegrationSettings{IntegrationID: "8193a927", OneTimeSync: NewLegacyBool(false)},
		},
		"update integration settings": {
			call: func(c *Client) (any, error) {
				return c.UpdateIntegrationSettings(context.Background(), "8193a927", IntegrationSettingsUpdate{OneTimeSync: &yes})
			},
			// oneTimeSync is a string in Codat's legacy API (CODAT-FACTS C1).
			method: "PATCH", path: "/settings/integrations/8193a927", reqBody: `{"oneTimeSync":"True"}`,
			status: 200, respBody: `{"integrationId":"8193a927","oneTimeSync":"True"}`,
			want: &IntegrationSettings{IntegrationID: "8193a927", OneTimeSync: NewLegacyBool(true)},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			rec := newRecorder(t, reply(tt.status, tt.respBody))
			got, err := tt.call(newTestClient(t, rec.srv))
			if err != nil {
				t.Fatalf("call failed: %v", err)
			}
			reqs := rec.all()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tt.method || r.Path != tt.path {
				t.Errorf("request = %s %s, want %s %s", r.Method, r.Path, tt.method, tt.path)
			}
			if tt.reqBody == "" {
				if r.Body != "" {
					t.Errorf("unexpected request body %s", r.Body)
				}
			} else {
				assertJSONEqual(t, r.Body, tt.reqBody)
			}
			if tt.want != nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("result =\n %#v\nwant\n %#v", got, tt.want)
			}
		})
	}
}

func TestBalanceRoundTripsExactly(t *testing.T) {
	for _, amount := range []string{"1234.56", "0.1", "-99999999999.99", "100", "0"} {
		body, err := json.Marshal(SourceAccount{Balance: json.Number(amount)})
		if err != nil {
			t.Fatal(err)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(body, &fields); err != nil || string(fields["balance"]) != amount {
			t.Errorf("%s encodes as %s", amount, body)
		}
		var back SourceAccount
		if err := json.Unmarshal(body, &back); err != nil || back.Balance.String() != amount {
			t.Errorf("%s decodes as %q (%v)", amount, back.Balance, err)
		}
	}
}
