// Package bankfile reads bank statement files into one model; no database.
//
// [Parse] sniffs the format and reads camt.053 (ISO 20022 BankToCustomerStatement,
// versions 001.02, .04, .08 and later: the namespace is not checked, elements are
// matched by their local names) and MT940 (SWIFT customer statement, unstructured and
// structured, with the layouts of the Dutch banks: ING, Rabobank, ABN AMRO, Triodos,
// SNS/ASN, Knab, bunq, Van Lanschot and payment service providers such as Mollie).
// DOMAIN §5.8 describes the formats.
//
// Reading is strict where a wrong reading would book money wrongly (amounts, debit and
// credit marks, dates, the structure of an entry): the whole file is refused with a
// [*ParseError] naming the line (MT940) or the element path (XML). It is lenient where a
// value can be read unambiguously although it breaks a length or pattern rule (a long
// reference, an IBAN with a wrong check, a lower-case mark): the value is kept and the
// statement carries a [Warning]. Warnings and errors carry message ids of the "bank"
// i18n catalog, so a screen can say them in Dutch and English.
package bankfile
