// Package money holds the representation of euro amounts and percentages for HMS.
//
// It exists so that no other package ever touches float64 for money: amounts are
// integer euro cents ([Cents]), rates are exact integers in millionths ([Rate]),
// rounding happens in one documented place ([ApplyRate], half away from zero) and
// splitting an amount ([Allocate]) always yields parts that add up to the
// whole, to the cent. Parsing and formatting follow Dutch notation ("€ 1.234,56")
// and accept the plain and English forms that users paste from elsewhere.
package money
