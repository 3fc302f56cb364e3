package provider

import (
	"regexp"
	"strings"
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

var noSlashPattern = regexp.MustCompile(`^[^/]+$`)
