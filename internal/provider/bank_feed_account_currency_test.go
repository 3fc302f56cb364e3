package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// The provider refuses at plan time exactly the currencies the sandbox (which models Codat) refuses at apply: the
// two keep their own copies of ISO 4217 List One, and they must agree.
func TestCurrencyCodesMatchSandbox(t *testing.T) {
	provider := slices.Sorted(slices.Values(currencyCodes))
	if got := slices.Compact(slices.Clone(provider)); len(got) != len(provider) {
		t.Errorf("the provider's currency list has duplicates")
	}
	if want := sandbox.CurrencyCodes(); !slices.Equal(provider, want) {
		t.Errorf("the provider accepts %d currencies, the sandbox %d:\nonly the provider: %v\nonly the sandbox: %v",
			len(provider), len(want), missing(provider, want), missing(want, provider))
	}
	// ISO 4217 List One of 2026-01-01 has 178 entries; 22 of them are no currency a bank account is held in.
	if len(provider) != 178-len(notBankCurrencies) || len(notBankCurrencies) != 22 {
		t.Errorf("%d currencies and %d codes that are none; want 156 and 22", len(provider), len(notBankCurrencies))
	}
	for code := range notBankCurrencies {
		if slices.Contains(provider, code) {
			t.Errorf("%s is both a currency and none", code)
		}
	}
	for code, w := range withdrawnCurrencies {
		if slices.Contains(provider, code) || !slices.Contains(provider, w.replacement) {
			t.Errorf("withdrawn %s is accepted, or its replacement %s is not", code, w.replacement)
		}
	}
}

func missing(have, from []string) []string {
	var out []string
	for _, c := range have {
		if !slices.Contains(from, c) {
			out = append(out, c)
		}
	}
	return out
}

func TestCheckCurrency(t *testing.T) {
	for code, want := range map[string]string{
		"GBP": "",
		"ZWG": "",
		"XCG": "",
		"VED": "",
		"ZWL": `"ZWL" was withdrawn by ISO 4217 Amendment 177; use ZWG`,
		"BGN": `"BGN" was withdrawn by ISO 4217 Amendment 180; use EUR`,
		"CUC": `Amendment 178; use CUP`,
		"BOV": `"BOV" is an ISO 4217 fund code`,
		"XAU": `"XAU" is the ISO 4217 code of a precious metal`,
		"XDR": `unit of account`,
		"XTS": `reserved for testing`,
		"XXX": `without a currency`,
		"eur": `upper case: "EUR"`,
		"EU":  `not a current ISO 4217 currency code`,
		"":    `not a current ISO 4217 currency code`,
	} {
		got := checkCurrency(code)
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("checkCurrency(%q) = %q, want %q", code, got, want)
		}
	}
}
