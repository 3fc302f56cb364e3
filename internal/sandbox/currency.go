package sandbox

import (
	"slices"
	"strings"
)

// iso4217 are the currencies a source account may be held in: the entries of ISO 4217 List One (the list of
// current codes that SIX Financial Information, the ISO 4217 maintenance agency, publishes as list_one.xml) as
// published on 2026-01-01, that is with Amendment 180 (BGN withdrawn when Bulgaria adopted the euro on
// 2026-01-01). The amendments before it: 179 added XAD; 178 withdrew CUC; 177 added ZWG and withdrew ZWL; 176
// added XCG and withdrew ANG; 174 withdrew HRK; 172 withdrew SLL.
//
// Left out are the List One entries that are no currency a bank account is held in: those List One marks as
// funds (IsFund: BOV CHE CHW CLF COU MXV USN UYI XAD) and those without a minor unit (precious metals XAG XAU
// XPD XPT, the units of account XDR XSU XUA XBA XBB XBC XBD, the testing code XTS and XXX, "no currency").
// Codat's schema only names the format (currency "ISO4217"; XXX is what Codat reports when a platform gives no
// currency); a source account is fed into a Xero bank account of the same currency (CODAT-FACTS C10: target
// options are filtered by currency), and Xero organisations hold only national currencies. The plausible reading,
// taken here, is that Codat refuses the others when an account is created. The provider keeps its own copy of
// this list; a provider test checks the two agree.
const iso4217 = `AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL
HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL
MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON
RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH
UGX USD UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG`

var currencies = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(iso4217) {
		m[c] = true
	}
	return m
}()

func validCurrency(code string) bool { return currencies[code] }

// CurrencyCodes returns the currency codes the sandbox accepts for a source account, sorted.
func CurrencyCodes() []string {
	codes := strings.Fields(iso4217)
	slices.Sort(codes)
	return codes
}
