package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// Codat's documented rules, shared by validators and the descriptions that quote them.
const platformKeyRule = "four lowercase letters (`[a-z]{4}`)"

var platformKeyPattern = regexp.MustCompile(`^[a-z]{4}$`)

// Company rules from Codat's Create company request schema.
const (
	companyNameRule   = "letters, digits, spaces and the characters `-',&@.?!`"
	maxCompanyTags    = 10
	maxTagKeyLength   = 27
	maxTagValueLength = 100
)

var companyNamePattern = regexp.MustCompile(`^[A-Za-z0-9\s\-',&@.,?!]+$`)

// xeroPlatformKey is Codat's platform key of Xero.
const xeroPlatformKey = "gbol"

// Source account rules from Codat's Source account (v2) schema and the update endpoint's description.
// v1AccountTypes are the account types Codat's Xero setup page gives clients on v1 source accounts (integrated
// before 2024-08-01): "Debit" for a Xero BANK account, "Credit" for a Xero CREDITCARD account.
var (
	accountTypes   = []string{"checking", "savings", "loan", "creditCard", "prepaidCard"}
	v1AccountTypes = []string{"Debit", "Credit"}
	routingTypes   = []string{"rtn", "aba", "swift", "bsb", "iban", "nz2", "trno", "sortcode", "blz", "ifsc", "bankcode", "apca", "clabe"}
)

const (
	defaultRoutingType = "bankcode"
	statusConnected    = "connected"
	statusDisconnected = "disconnected"
	dateLayout         = "2006-01-02"
)

// currencyCodes are the currencies a source account may be held in: the entries of ISO 4217 List One (the
// current codes, published by SIX Financial Information, the ISO 4217 maintenance agency, as list_one.xml) as
// published on 2026-01-01, which includes Amendment 180 (BGN withdrawn: Bulgaria adopted the euro on
// 2026-01-01), less the entries that are no currency a bank account is held in. The sandbox keeps its own copy;
// TestCurrencyCodesMatchSandbox checks they agree.
var currencyCodes = strings.Fields(`
AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY
COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR
ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK
MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU
UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG`)

// notBankCurrencies are the List One entries left out of currencyCodes, and why: Xero, where a source account is
// fed, holds bank accounts only in national currencies, and Codat matches a source account to a Xero account of
// the same currency.
var notBankCurrencies = map[string]string{
	// Funds codes (List One marks them IsFund).
	"BOV": fundCode, "CHE": fundCode, "CHW": fundCode, "CLF": fundCode, "COU": fundCode, "MXV": fundCode,
	"USN": fundCode, "UYI": fundCode, "XAD": fundCode,
	// Entries without a minor unit: precious metals, units of account, testing, no currency.
	"XAG": metalCode, "XAU": metalCode, "XPD": metalCode, "XPT": metalCode,
	"XDR": unitCode, "XSU": unitCode, "XUA": unitCode, "XBA": unitCode, "XBB": unitCode, "XBC": unitCode, "XBD": unitCode,
	"XTS": "the ISO 4217 code reserved for testing",
	"XXX": "the ISO 4217 code for transactions without a currency",
}

const (
	fundCode  = "an ISO 4217 fund code"
	metalCode = "the ISO 4217 code of a precious metal"
	unitCode  = "an ISO 4217 unit of account"
)

// withdrawnCurrencies are recently withdrawn codes and the amendment of ISO 4217 that replaced them.
var withdrawnCurrencies = map[string]struct{ amendment, replacement string }{
	"BGN": {"180", "EUR"}, "CUC": {"178", "CUP"}, "ZWL": {"177", "ZWG"}, "ANG": {"176", "XCG"},
	"HRK": {"174", "EUR"}, "SLL": {"172", "SLE"}, "STD": {"164", "STN"},
}

// checkCurrency explains why code is no currency a source account can be held in, or returns "".
func checkCurrency(code string) string {
	if slices.Contains(currencyCodes, code) {
		return ""
	}
	if upper := strings.ToUpper(code); upper != code && slices.Contains(currencyCodes, upper) {
		return fmt.Sprintf("must be written in upper case: %q", upper)
	}
	if w, ok := withdrawnCurrencies[code]; ok {
		return fmt.Sprintf("is no current ISO 4217 currency code: %q was withdrawn by ISO 4217 Amendment %s; use %s", code, w.amendment, w.replacement)
	}
	if what, ok := notBankCurrencies[code]; ok {
		return fmt.Sprintf("must be the code of a currency: %q is %s, no currency a bank account is held in", code, what)
	}
	return "is not a current ISO 4217 currency code (ISO 4217 List One of 2026-01-01), such as GBP, EUR or USD"
}

// currencyCode validates currency attributes with checkCurrency.
func currencyCode() validator.String {
	return stringCheck{
		description: "an ISO 4217 currency code in upper case, such as `GBP`",
		check:       checkCurrency,
	}
}

// Identifier rules, each applied by one check (checkCodatID, checkSourceAccountID, checkTargetAccountID) that
// serves the schema validators, the import ID parser and, through codat.CheckPathSegment, the client itself.
//
// Codat issues company and connection ids as UUIDs (P and BF components.parameters companyId and connectionId:
// `format: uuid`). Source account ids are the user's own strings (BF accountId: its examples are a UUID, a long
// token, a number and upper-case letters) and travel as one URL path segment. Target account ids are the
// accounting platform's, sent in a request body only.
const (
	codatIDRule         = "a UUID as Codat issues it, such as `8a210b68-6988-11ed-a1eb-0242ac120002`"
	sourceAccountIDRule = codat.PathSegmentRule + ", and not `" + bankFeedCredentialsSegment + "`, whose URL is " +
		"that of Codat's operation deleting the connection's bank-feed credentials"
	targetAccountIDRule = codat.IdentifierRule
)

var codatIDPattern = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)

// bankFeedCredentialsSegment cannot be a source account id: DELETE
// .../connectionInfo/bankFeedAccounts/credentials is Codat's delete-bank-feed-credentials operation, which revokes
// every credential set of the connection (BF).
const bankFeedCredentialsSegment = "credentials"

// noLineBreakPattern refuses the characters that end a line in a JSON Schema (ECMA-262) pattern: ".", as in Codat's
// tag key pattern ^.{1,27}$, matches anything else.
var noLineBreakPattern = regexp.MustCompile(`^[^\n\r\x{2028}\x{2029}]*$`)
