package models

import (
	"crypto/rand"
	"net/mail"
	"regexp"
	"strings"
)

// resellerAlphabet leaves out the characters people confuse when reading an id
// aloud or copying it by hand: 0/O, 1/I/L.
const resellerAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

var resellerIDPattern = regexp.MustCompile(`^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}$`)

// NewPublicResellerID makes a short, readable account id such as "K7QM-4XTD":
// 8 characters from a 31-letter alphabet, about 40 bits.
func NewPublicResellerID() string {
	var b [8]byte
	out := make([]byte, 0, 9)
	for i := 0; i < len(b); {
		if _, err := rand.Read(b[i : i+1]); err != nil {
			panic(err)
		}
		// Reject bytes above the largest multiple of the alphabet size, so
		// every character is equally likely.
		if int(b[i]) >= 256-(256%len(resellerAlphabet)) {
			continue
		}
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, resellerAlphabet[int(b[i])%len(resellerAlphabet)])
		i++
	}
	return string(out)
}

// NormalizePublicResellerID accepts what a person types (lower case, spaces,
// missing dash) and returns the canonical form, or false when it cannot be one.
func NormalizePublicResellerID(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	if len(s) != 8 {
		return "", false
	}
	s = s[:4] + "-" + s[4:]
	return s, resellerIDPattern.MatchString(s)
}

var labelPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// NormalizeDomain lower-cases and trims a domain name and checks it is a
// valid DNS name with at least two labels and an alphabetic top-level label.
func NormalizeDomain(s string) (string, bool) {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	if len(d) < 3 || len(d) > 253 {
		return d, false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return d, false
	}
	for _, l := range labels {
		if !labelPattern.MatchString(l) {
			return d, false
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || strings.Trim(tld, "abcdefghijklmnopqrstuvwxyz") != "" {
		// xn-- IDN top-level labels are allowed too.
		if !strings.HasPrefix(tld, "xn--") {
			return d, false
		}
	}
	return d, true
}

// iso3166 is the list of officially assigned ISO 3166-1 alpha-2 codes (249).
// x/text's region table also holds reserved and withdrawn codes (UK, UN, SU,
// DD, YU, EA, IC, AC, …) that are not countries a customer can be in.
const iso3166 = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU " +
	"ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ " +
	"LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA " +
	"RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"

// iso4217 lists the ISO 4217 tender currencies in use that golang.org/x/text
// knows (so their minor units are known when money is formatted). Fund codes,
// precious metals and withdrawn currencies (FRF, DEM, HRK, …) are left out,
// and so are current codes x/text has no data for yet (MRU, VES, VED, SLE,
// XCG, ZWG): add them when golang.org/x/text learns them.
const iso4217 = "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD " +
	"CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD " +
	"HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT " +
	"LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MUR MVR MWK MXN MYR MZN " +
	"NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF " +
	"SAR SBD SCR SDG SEK SGD SHP SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS " +
	"UAH UGX USD UYU UZS VND VUV WST XAF XCD XOF XPF YER ZAR ZMW"

// inCodeList tells whether code is one of the space-separated codes of list
// (a scan of the constant: no table to build or keep).
func inCodeList(list, code string) bool {
	for code != "" {
		i := strings.IndexByte(list, ' ')
		if i < 0 {
			return list == code
		}
		if list[:i] == code {
			return true
		}
		list = list[i+1:]
	}
	return false
}

// CountryCodes lists the ISO 3166-1 alpha-2 codes ValidCountry accepts, in
// code order (pickers sort them by their translated names).
func CountryCodes() []string { return strings.Fields(iso3166) }

// CurrencyCodes lists the ISO 4217 codes ValidCurrency accepts, in code order.
func CurrencyCodes() []string { return strings.Fields(iso4217) }

// ValidCountry tells whether code is an assigned ISO 3166-1 alpha-2 country
// code (upper case).
func ValidCountry(code string) bool { return inCodeList(iso3166, code) }

// ValidCurrency tells whether code is an ISO 4217 currency in use (upper case).
func ValidCurrency(code string) bool { return inCodeList(iso4217, code) }

// ValidEmail checks an address is a bare, well-formed email whose domain is a
// valid DNS name (no IP literals, no leading or trailing hyphens).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndex(s, "@")
	d, ok := NormalizeDomain(s[at+1:])
	return ok && d == strings.ToLower(s[at+1:])
}

// NormalizeEmail trims and lower-cases an email address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
