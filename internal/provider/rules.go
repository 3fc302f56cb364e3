package provider

import (
	"regexp"
	"strings"

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
	productRule       = "lowercase letters, digits and hyphens, such as `bank-feeds`"
)

var (
	companyNamePattern = regexp.MustCompile(`^[A-Za-z0-9\s\-',&@.,?!]+$`)
	productPattern     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// xeroPlatformKey is Codat's platform key of Xero.
const xeroPlatformKey = "gbol"

// Source account rules from Codat's Source account (v2) schema and the update endpoint's description.
var (
	accountTypes = []string{"checking", "savings", "loan", "creditCard", "prepaidCard"}
	routingTypes = []string{"rtn", "aba", "swift", "bsb", "iban", "nz2", "trno", "sortcode", "blz", "ifsc", "bankcode", "apca", "clabe"}
)

const (
	defaultRoutingType = "bankcode"
	statusConnected    = "connected"
	statusDisconnected = "disconnected"
	dateLayout         = "2006-01-02"
)

// currencyCodes are the active ISO 4217 codes, plus XXX, which Codat uses for "no currency".
var currencyCodes = strings.Fields(`
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF
CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR
LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK
PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT
TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG
XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG ZWL`)

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
