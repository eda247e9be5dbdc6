package models

import "strings"

// CurrencyScale is the number of minor-unit digits of an ISO 4217 currency
// (2 for EUR, 0 for JPY, 3 for KWD): money is stored as integer minor units
// on this scale. It follows ISO 4217, not CLDR's display rounding (which
// shows IDR or IQD without decimals although their minor unit exists).
func CurrencyScale(cur string) int {
	switch strings.ToUpper(cur) {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	case "CLF", "UYW":
		return 4
	}
	return 2
}
